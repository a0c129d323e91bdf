/**
 * The WSDL partners generate their clients from is pinned in test/golden/. Any change to it
 * must be deliberate: regenerate with `UPDATE_GOLDEN=1 node --import tsx --test test/describe/golden.test.ts`
 * and review the diff.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OPERATIONS } from '../../src/contract/index.js';
import { buildWsdl } from '../../src/describe/index.js';

const GOLDEN_ADDRESS = 'http://localhost:8080/WebApi/AccountManagementService/AccountManagementService.asmx';
const GOLDEN_WSDL = fileURLToPath(new URL('../golden/AccountManagementService.wsdl', import.meta.url));

describe('golden WSDL', () => {
  it('matches test/golden/AccountManagementService.wsdl byte for byte', () => {
    const actual = buildWsdl(OPERATIONS, GOLDEN_ADDRESS);
    if (process.env['UPDATE_GOLDEN'] === '1') {
      writeFileSync(GOLDEN_WSDL, actual);
      return;
    }
    assert.equal(actual, readFileSync(GOLDEN_WSDL, 'utf8'), 'the WSDL changed: rerun with UPDATE_GOLDEN=1 and review the diff');
  });
});
