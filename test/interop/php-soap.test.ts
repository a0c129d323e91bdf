/**
 * PHP's SoapClient (Debian php-soap) against a real server: it reads the served WSDL (no WSDL
 * cache), sends the AuthHeader as a SoapHeader and runs the partner scenario
 * (php_scenario.php) with SOAP_1_1 and with SOAP_1_2. The script only reports what it saw; the
 * assertions are here, and the wire tap checks the SOAP version actually spoken.
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

const SCRIPT = fileURLToPath(new URL('./php_scenario.php', import.meta.url));

describe('PHP SoapClient against the served WSDL', () => {
  let s: InteropServer;
  before(async () => {
    s = await startInteropServer();
  });
  after(async () => s.close());

  for (const version of ['1.1', '1.2'] as const) {
    it(`runs the partner scenario with SOAP_${version.replace('.', '_')}`, async () => {
      s.tap.reset();
      const account = scenarioAccount(`php-${version.replace('.', '')}`);
      const observed = await runScenarioScript('php', [SCRIPT, `${s.url}?WSDL`, version], account);
      assertScenario(observed, account);
      assert.equal(assertWireVersion(s.tap.exchanges(), version), 10);
      const wsdlFetches = s.tap.exchanges().filter((e) => /^GET \S+\?wsdl /i.test(e.request.startLine));
      assert.equal(wsdlFetches.length, 1, 'SoapClient read the WSDL from the server, not from a cache');
      await assertPasswordChangedMail(s.t, account);
    });
  }
});
