/**
 * Python zeep (Debian python3-zeep) against a real server: it reads the served WSDL, binds the
 * SOAP 1.1 and then the SOAP 1.2 port, sends the WSDL-declared AuthHeader through
 * `_soapheaders` and runs the partner scenario (zeep_scenario.py). The script only reports what
 * it saw; the assertions are here, and the wire tap checks the SOAP version actually spoken.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import {
  assertPasswordChangedMail,
  assertScenario,
  assertWireVersion,
  runScenarioScript,
  scenarioAccount,
  startInteropServer,
  type InteropServer,
} from './scenario.js';

// Debian's interpreter, the one python3-zeep is installed for (a pyenv `python3` may lack it).
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./zeep_scenario.py', import.meta.url));

describe('Python zeep against the served WSDL', () => {
  let s: InteropServer;
  before(async () => {
    s = await startInteropServer();
  });
  after(async () => s.close());

  for (const version of ['1.1', '1.2'] as const) {
    it(`runs the partner scenario over SOAP ${version}`, async () => {
      s.tap.reset();
      const account = scenarioAccount(`zeep-${version.replace('.', '')}`);
      const observed = await runScenarioScript(PYTHON, [SCRIPT, `${s.url}?WSDL`, version], account);
      assertScenario(observed, account);
      assert.equal(assertWireVersion(s.tap.exchanges(), version), 10);
      const wsdlFetches = s.tap.exchanges().filter((e) => /^GET \S+\?wsdl /i.test(e.request.startLine));
      assert.equal(wsdlFetches.length, 1, 'zeep read the WSDL from the server');
      await assertPasswordChangedMail(s.t, account);
    });
  }
});
