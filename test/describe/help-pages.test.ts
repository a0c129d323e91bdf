import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  OPERATIONS,
  RESULT_CODES,
  SERVICE_PATH,
  defineOperation,
  field,
  boolean,
  int,
  resultNumber,
  string,
  ResultInfo,
  operationNamed,
  type OperationDefinition,
} from '../../src/contract/index.js';
import {
  REMOTE_TEST_SENTENCE,
  compileHelpPages,
  renderOperationList,
  renderOperationPage,
  type HelpContext,
} from '../../src/describe/index.js';
import { textOf } from './helpers.js';

const OPS: readonly OperationDefinition[] = OPERATIONS;
const remote: HelpContext = { path: SERVICE_PATH, host: 'example.com', isLocal: false };
const local: HelpContext = { ...remote, isLocal: true };

const Legacy = defineOperation({
  name: 'OldThing',
  style: 'flat',
  description: 'Does the old thing.',
  obsolete: true,
  extension: false,
  request: [field('userName', string)],
  response: [field('OldThingResult', ResultInfo)],
  resultCodes: ['Success', 'UnexpectedError'],
});
const Extension = defineOperation({
  name: 'NewThing',
  style: 'wrapped',
  description: 'Does the new thing.',
  obsolete: false,
  extension: true,
  request: [field('Token', string)],
  response: [field('Result', ResultInfo)],
  resultCodes: ['Success', 'InvalidToken'],
});

describe('operation list', () => {
  const html = renderOperationList(OPS, remote);

  it('has the title, the intro sentence and a link to the WSDL', () => {
    assert.ok(html.includes('<title>AccountManagementService Web Service</title>'));
    assert.ok(html.includes('>AccountManagementService</p>'));
    assert.ok(
      textOf(html).includes(
        'The following operations are supported. For a formal definition, please review the Service Description.',
      ),
    );
    assert.ok(html.includes('<a href="?WSDL">Service Description</a>'));
  });

  it('links the JSON API docs page (issue 19) on the same port', () => {
    assert.ok(html.includes('see the <a href="/api/v1/docs">JSON API documentation</a>.'));
  });

  it('links every operation with its description', () => {
    for (const op of OPS) {
      assert.ok(html.includes(`<a href="?op=${op.name}">${op.name}</a>`), op.name);
      assert.ok(html.includes(op.description), op.name);
    }
  });

  it('documents every Result code', () => {
    for (const c of RESULT_CODES) {
      assert.ok(html.includes(`<tr><td>${c.code}</td><td>${c.name}</td><td>`), c.name);
    }
  });

  it('marks obsolete operations and lists extensions after the legacy ones', () => {
    const page = renderOperationList([Extension, ...OPS, Legacy], remote);
    assert.ok(page.includes('<a href="?op=OldThing">OldThing</a> <span class="obsolete">[OBSOLETE]</span>'));
    const heading = page.indexOf('<h3>Extensions</h3>');
    assert.ok(heading > 0);
    assert.ok(page.indexOf('?op=OldThing') < heading);
    assert.ok(page.indexOf('?op=NewThing') > heading);
    assert.ok(textOf(page).includes('The following operations are extensions of this implementation'));
    const legacyOnly = renderOperationList(
      OPS.filter((op) => !op.extension),
      remote,
    );
    assert.ok(!legacyOnly.includes('<h3>Extensions</h3>'), 'no extension heading without extensions');
    assert.ok(html.includes('<h3>Extensions</h3>'), 'the real list has its extensions under the heading');
  });
});

describe('operation page', () => {
  const op = operationNamed('ChangeBackupAccountPassword');
  assert.ok(op);

  it('shows name, description, the Result codes with numbers and the SOAP samples', () => {
    const html = renderOperationPage(op, remote);
    assert.ok(html.includes(`<h2>${op.name}</h2>`));
    assert.ok(html.includes(op.description));
    for (const code of op.resultCodes) {
      assert.ok(html.includes(`<tr><td>${resultNumber(code)}</td><td>${code}</td>`), code);
    }
    for (const v of ['1.1', '1.2']) {
      assert.ok(html.includes(`<h3>SOAP ${v}</h3>`));
      assert.ok(
        html.includes(
          `The following is a sample SOAP ${v} request and response. The placeholders shown need to be replaced with actual values.`,
        ),
      );
    }
    assert.ok(html.includes(`POST ${SERVICE_PATH} HTTP/1.1\nHost: example.com\n`));
    assert.ok(html.includes('&lt;soap:Envelope xmlns:xsi='));
    assert.ok(html.includes('&lt;soap12:Envelope xmlns:xsi='));
    assert.ok(html.includes(`<a href="${SERVICE_PATH}">here</a>`));
  });

  it('shows remote callers the sentence and no form', () => {
    const html = renderOperationPage(op, remote);
    assert.ok(html.includes(`<h3>Test</h3>\n<p>${REMOTE_TEST_SENTENCE}</p>`));
    assert.ok(!html.includes('<form'));
    assert.ok(!html.includes('<input'));
  });

  it('shows local callers a form with the credential fields first', () => {
    const html = renderOperationPage(op, local);
    assert.ok(!html.includes(REMOTE_TEST_SENTENCE));
    assert.ok(
      html.includes(
        `<form action="${SERVICE_PATH}/${op.name}" method="post" enctype="application/x-www-form-urlencoded">`,
      ),
    );
    const names = [...html.matchAll(/<(?:input|select) [^>]*name="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(names, ['AuthHeader.UserName', 'AuthHeader.Password', ...op.request.map((f) => f.name)]);
    assert.match(html, /<input class="frmInput" type="password" size="50" name="AuthHeader\.Password"/);
    assert.match(html, /<input class="frmInput" type="text" size="50" name="AuthHeader\.UserName">/);
    assert.match(html, /<select class="frmInput" name="SendEmailToCustomer"><option value="false">false<\/option><option value="true">true<\/option><\/select>/);
    assert.match(html, /<input type="submit" value="Invoke" class="button">/);
  });

  it('has an input for every scalar request field of every operation, plain text for strings', () => {
    for (const o of OPS) {
      const html = renderOperationPage(o, local);
      for (const f of o.request) {
        assert.ok(html.includes(`name="${f.name}"`), `${o.name}.${f.name}`);
        if (f.type.kind === 'string') assert.ok(html.includes(`type="text" size="50" name="${f.name}"`), `${o.name}.${f.name}`);
      }
    }
  });

  it('marks obsolete and extension operations', () => {
    assert.ok(renderOperationPage(Legacy, remote).includes('<span class="obsolete">[OBSOLETE]</span>'));
    const ext = renderOperationPage(Extension, remote);
    assert.ok(ext.includes('<span class="extension">[EXTENSION]</span>'));
    assert.ok(textOf(ext).includes('extension of this implementation'));
  });

  it('escapes what comes from the request', () => {
    const evil: HelpContext = { path: '/a"><script>x</script>', host: '<script>alert(1)</script>', isLocal: true };
    const html = renderOperationPage(op, evil);
    assert.ok(!html.includes('<script'));
    assert.ok(html.includes('Host: &lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('action="/a&quot;&gt;&lt;script&gt;x&lt;/script&gt;/ChangeBackupAccountPassword"'));
  });

  it('is self-contained: no scripts, no external resources', () => {
    for (const o of OPS) {
      const html = renderOperationPage(o, local);
      assert.ok(!/<script|<img|<iframe|src=|@import|url\(/i.test(html), o.name);
    }
  });

  it('offers a select for booleans and text for numbers', () => {
    const Numbers = defineOperation({
      ...Extension,
      name: 'Numbers',
      request: [field('Count', int), field('Flag', boolean), field('Token', string)],
    });
    const html = renderOperationPage(Numbers, local);
    assert.match(html, /<input class="frmInput" type="text" size="50" name="Count">/);
    assert.match(html, /<input class="frmInput" type="text" size="50" name="Token">/);
    assert.match(html, /<select class="frmInput" name="Flag">/);
  });
});

describe('compiled help pages', () => {
  const pages = compileHelpPages(OPS);

  it('renders the same pages as the one-off functions', () => {
    assert.equal(pages.renderOperationList(remote), renderOperationList(OPS, remote));
    for (const op of OPS) {
      assert.equal(pages.renderOperationPage(op.name, local), renderOperationPage(op, local));
      assert.equal(pages.renderOperationPage(op.name, remote), renderOperationPage(op, remote));
    }
  });

  it('knows no operation that is not in the contract (names are case-sensitive)', () => {
    assert.equal(pages.renderOperationPage('NoSuchOperation', remote), undefined);
    const first = OPS[0];
    assert.ok(first);
    assert.equal(pages.renderOperationPage(first.name.toLowerCase(), remote), undefined);
  });
});
