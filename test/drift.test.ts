/**
 * The derivations agree with the contract: every operation has a handler, a help page and
 * wire fixtures for both SOAP versions covering success and each of its declared failure
 * codes; every Result code is catalogued once, documented, and in the WSDL enumeration.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATIONS, RESULT_CODES } from '../src/contract/index.js';
import { HANDLERS } from '../src/handlers/index.js';
import { compileHelpPages, compileWsdl } from '../src/describe/index.js';

const WIRE = path.join(import.meta.dirname, 'wire');
const ctx = { path: '/WebApi/AccountManagementService/AccountManagementService.asmx', host: 'localhost', isLocal: false };

/** Codes that no fixture can provoke without breaking the server on purpose. */
const NOT_PROVOKED_BY_FIXTURES = new Set(['UnexpectedError']);

describe('drift between the contract and its derivations', () => {
  it('has exactly one handler per operation', () => {
    assert.deepEqual(Object.keys(HANDLERS).sort(), OPERATIONS.map((o) => o.name).sort());
  });

  it('has a help page per operation, listing each Result code it can return', () => {
    const pages = compileHelpPages(OPERATIONS);
    for (const op of OPERATIONS) {
      const page = pages.renderOperationPage(op.name, ctx);
      assert.ok(page, op.name);
      for (const code of op.resultCodes) assert.match(page, new RegExp(`\\b${code}\\b`), `${op.name} page lists ${code}`);
    }
  });

  it('documents every Result code on the operation list and in the WSDL, numbers unique', () => {
    const list = compileHelpPages(OPERATIONS).renderOperationList(ctx);
    const wsdl = compileWsdl(OPERATIONS)('http://localhost/x.asmx');
    assert.equal(new Set(RESULT_CODES.map((c) => c.code)).size, RESULT_CODES.length);
    for (const c of RESULT_CODES) {
      assert.match(list, new RegExp(`\\b${c.name}\\b`));
      assert.match(wsdl, new RegExp(`<s:enumeration value="${c.name}" />`));
    }
  });

  for (const op of OPERATIONS) {
    it(`${op.name}: wire fixtures in both SOAP versions for success and every failure code`, () => {
      const folders = fs.readdirSync(WIRE).filter((d) => d.startsWith(`${op.name}__`));
      const covered = new Set<string>();
      for (const folder of folders) {
        for (const version of ['soap11', 'soap12']) {
          assert.ok(fs.existsSync(path.join(WIRE, folder, `request.${version}.xml`)), `${folder} has request.${version}.xml`);
          const response = path.join(WIRE, folder, `response.${version}.xml`);
          if (!fs.existsSync(response)) continue;
          // ResultInfo carries <Code>Name</Code>; GetAllAccounts' plain enum is <Result>Name</Result>.
          for (const m of fs.readFileSync(response, 'utf8').matchAll(/<(?:Code|Result)>([A-Za-z]+)<\/(?:Code|Result)>/g)) covered.add(m[1] ?? '');
        }
      }
      for (const code of op.resultCodes) {
        if (NOT_PROVOKED_BY_FIXTURES.has(code)) continue;
        assert.ok(covered.has(code), `${op.name} has a fixture answering ${code}`);
      }
    });
  }
});
