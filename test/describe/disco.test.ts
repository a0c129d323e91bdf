import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildDisco } from '../../src/describe/index.js';
import { attr, children, parseDocument } from './helpers.js';

const DISCO_NS = 'http://schemas.xmlsoap.org/disco/';
const SCL_NS = 'http://schemas.xmlsoap.org/disco/scl/';
const DISCO_SOAP_NS = 'http://schemas.xmlsoap.org/disco/soap/';
const ADDRESS = 'http://localhost:8080/WebApi/AccountManagementService/AccountManagementService.asmx';

describe('disco', () => {
  const text = buildDisco(ADDRESS);
  const root = parseDocument(text);

  it('is the ASMX discovery document', () => {
    assert.equal(
      text,
      [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<discovery xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.xmlsoap.org/disco/">',
        `  <contractRef ref="${ADDRESS}?wsdl" docRef="${ADDRESS}" xmlns="http://schemas.xmlsoap.org/disco/scl/" />`,
        `  <soap address="${ADDRESS}" xmlns:q1="sosonlinebackup.com" binding="q1:AccountManagementServiceSoap" xmlns="http://schemas.xmlsoap.org/disco/soap/" />`,
        `  <soap address="${ADDRESS}" xmlns:q2="sosonlinebackup.com" binding="q2:AccountManagementServiceSoap12" xmlns="http://schemas.xmlsoap.org/disco/soap/" />`,
        '</discovery>',
      ].join('\r\n'),
    );
  });

  it('parses, with a contractRef and both SOAP bindings', () => {
    assert.equal(root.uri, DISCO_NS);
    assert.equal(root.local, 'discovery');
    const [contract] = children(root, SCL_NS, 'contractRef');
    assert.ok(contract);
    assert.equal(attr(contract, 'ref'), `${ADDRESS}?wsdl`);
    assert.equal(attr(contract, 'docRef'), ADDRESS);
    const soap = children(root, DISCO_SOAP_NS, 'soap');
    assert.deepEqual(
      soap.map((s) => [attr(s, 'address'), attr(s, 'binding')]),
      [
        [ADDRESS, 'q1:AccountManagementServiceSoap'],
        [ADDRESS, 'q2:AccountManagementServiceSoap12'],
      ],
    );
  });

  it('escapes the address', () => {
    const odd = 'http://h/a.asmx?"<&>';
    const parsed = parseDocument(buildDisco(odd));
    assert.equal(attr(children(parsed, DISCO_SOAP_NS, 'soap')[0]!, 'address'), odd);
  });
});
