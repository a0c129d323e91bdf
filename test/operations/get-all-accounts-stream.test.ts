/**
 * GetAllAccounts streams (issue 20, item 3): the list is read in keyset batches and written as
 * it is read, chunked, with the bytes of the body identical to the buffered answer; a partner
 * runs at most AMS_LIST_CONCURRENCY_PER_PARTNER (2) at once, the next one answered exactly as
 * over its rate; a client that goes away stops the reading and gives its slot back. Over real
 * sockets, with 20,000 accounts (AMS_TEST_HARNESS_ENGINE=postgres runs it on PostgreSQL).
 */
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetAllAccounts } from '../../src/contract/operations/get-all-accounts.js';
import { ItemStream } from '../../src/contract/item-stream.js';
import { encodeResponseBody, encodeStreamedResponseBody, type ChunkedBody } from '../../src/soap/encode.js';
import { ENVELOPE_CLOSE, SOAP11, SOAP12, envelopeOpen } from '../../src/soap/versions.js';
import { wireListItem } from '../../src/handlers/get-all-accounts.js';
import { createUnitOfWork } from '../../src/store/unit-of-work.js';
import { RESELLER_A_SECRET, RESELLER_B_SECRET, PROVIDER_SECRET, listenTestApp, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { envelope, operationBody, soapHeaders, type Credentials, type SoapVersionId } from '../support/envelope.js';
import { addManyAccounts } from '../support/many-accounts.js';
import { waitFor } from '../support/wait-for.js';

const A: Credentials = { user: 'reseller-a', password: RESELLER_A_SECRET };
const B: Credentials = { user: 'reseller-b', password: RESELLER_B_SECRET };
const P: Credentials = { user: 'provider', password: PROVIDER_SECRET };
const RESELLER_A_ENTITY = 2;
const CUSTOMER_A1 = 3;
const LISTED = 20_000;
const WIRE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'wire');
const LIST_READER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'support', 'list-reader.mjs');

/** The body, and the most list items any one piece held. */
async function collectPieces(chunks: ChunkedBody): Promise<{ text: string; mostItemsInAPiece: number }> {
  let text = '';
  let mostItemsInAPiece = 0;
  for await (const piece of chunks) {
    text += piece;
    mostItemsInAPiece = Math.max(mostItemsInAPiece, itemCount(piece));
  }
  return { text, mostItemsInAPiece };
}

async function collect(chunks: ChunkedBody): Promise<string> {
  return (await collectPieces(chunks)).text;
}

function listRequest(version: SoapVersionId, auth: Credentials, code = ''): { contentType: string; soapAction: string | undefined; body: Buffer } {
  return { ...soapHeaders(version, 'GetAllAccounts'), body: Buffer.from(envelope(version, operationBody('GetAllAccounts', { CustomerTypeCode: code }, true), auth)) };
}

/** What the buffered encoder (the answer before streaming) writes for the caller's whole list. */
async function bufferedAnswer(t: TestApp, version: SoapVersionId, entityId: number, code: string | null): Promise<string> {
  const list = await createUnitOfWork(t.app.store.db).accounts.listInTree(entityId, code);
  const v = version === '1.1' ? SOAP11 : SOAP12;
  return `${envelopeOpen(v)}<soap:Body>${encodeResponseBody(GetAllAccounts, { Result: 'Success', Accounts: list.map(wireListItem) })}</soap:Body>${ENVELOPE_CLOSE}`;
}

/** One call over a socket whose reading the test controls: pause after the first bytes, resume, or cut. */
interface OpenCall {
  readonly response: Promise<http.IncomingMessage>;
  /** Resolves with the first bytes of the body; the response is then paused (the server's writes back up). */
  readonly firstBytes: Promise<void>;
  /** Resumes and reads the rest: the whole body, or rejects if the server cut the connection. */
  text(): Promise<string>;
  destroy(): void;
}

function openCall(url: string, version: SoapVersionId, body: string, op = 'GetAllAccounts', pauseAfterFirst = false): OpenCall {
  const headers = soapHeaders(version, op);
  const req = http.request(url, {
    method: 'POST',
    agent: false,
    headers: { 'Content-Type': headers.contentType, ...(headers.soapAction ? { SOAPAction: headers.soapAction } : {}), 'Content-Length': Buffer.byteLength(body) },
  });
  const chunks: Buffer[] = [];
  let ended: Promise<void> | undefined;
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  const firstBytes = response.then(
    (res) =>
      new Promise<void>((resolve, reject) => {
        ended = new Promise<void>((done, fail) => {
          res.on('end', done);
          res.on('aborted', () => fail(new Error('aborted')));
          res.on('error', fail);
        });
        ended.catch(() => undefined);
        res.once('data', (chunk: Buffer) => {
          chunks.push(chunk);
          if (pauseAfterFirst) res.pause();
          res.on('data', (more: Buffer) => chunks.push(more));
          resolve();
        });
        res.on('error', reject);
      }),
  );
  req.end(body);
  return {
    response,
    firstBytes,
    async text() {
      const res = await response;
      await firstBytes;
      res.resume();
      await ended;
      return Buffer.concat(chunks).toString('utf8');
    },
    destroy: () => req.destroy(),
  };
}

function listBody(version: SoapVersionId, auth: Credentials, code = ''): string {
  return envelope(version, operationBody('GetAllAccounts', { CustomerTypeCode: code }, true), auth);
}

const itemCount = (text: string): number => text.split('<GetAllAccountsItem>').length - 1;

/**
 * A list read by a client in another process: resolves `first` at its first byte and `end`
 * with its item count, as that process saw them.
 */
function listInOtherProcess(url: string, version: SoapVersionId, body: string): { first: Promise<void>; end: Promise<number> } {
  const headers = soapHeaders(version, 'GetAllAccounts');
  const child = spawn(process.execPath, [LIST_READER, url, headers.contentType, headers.soapAction ?? '', body], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  let sawFirst: () => void = () => undefined;
  const first = new Promise<void>((resolve) => (sawFirst = resolve));
  const end = new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line === 'first') sawFirst();
      else if (line.startsWith('end ')) resolve(Number(line.split(' ')[2]));
      else reject(new Error(`list reader: ${line}`));
    });
    child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`list reader exited with ${code}`))));
  });
  return { first, end };
}

describe('GetAllAccounts streams its list', () => {
  let t: TestApp;
  let url: string;
  let close: () => Promise<boolean>;
  before(async () => {
    t = await startTestApp({ template: await seededTemplate(), env: { AMS_PARTNER_REQUESTS_PER_MINUTE: '0' } });
    await addManyAccounts(t.app.store.db, CUSTOMER_A1, LISTED);
    const running = await listenTestApp(t);
    url = running.url;
    close = () => running.close(5000);
  });
  after(async () => {
    await close();
    await t.close();
  });

  it('writes the body byte for byte as the buffered encoder does, SOAP 1.1 and 1.2, filtered or not', async () => {
    for (const version of ['1.1', '1.2'] as const) {
      for (const code of ['', 'HOME']) {
        const r = await t.app.soap(listRequest(version, A, code), { requestId: `bytes-${version}-${code}`, sourceAddress: '127.0.0.1', isLocal: true });
        assert.equal(r.status, 200);
        assert.ok(r.chunks, 'a list longer than a batch streams');
        assert.equal(r.body, '');
        const { text: streamed, mostItemsInAPiece } = await collectPieces(r.chunks);
        // Batches of 250 rows leave in pieces of at most 50 items: another request waits for
        // turns of the event loop that each carry one piece of every streaming list.
        assert.equal(mostItemsInAPiece, 50);
        const expected = await bufferedAnswer(t, version, RESELLER_A_ENTITY, code === '' ? null : code);
        assert.equal(itemCount(streamed), code === '' ? LISTED + 3 : LISTED / 2);
        assert.ok(streamed === expected, `SOAP ${version} code '${code}': streamed and buffered bodies differ`);
      }
    }
  });

  it('arrives chunked over a socket, read whole by a plain HTTP client', async () => {
    const call = openCall(url, '1.2', listBody('1.2', A));
    const res = await call.response;
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.equal(res.headers['content-length'], undefined);
    assert.equal(res.headers['content-type'], 'application/soap+xml; charset=utf-8');
    assert.ok((await call.text()) === (await bufferedAnswer(t, '1.2', RESELLER_A_ENTITY, null)));
  });

  it('runs at most two per partner: the third, with many in flight, is answered as over the rate; others go on; slots come back', async () => {
    const refusedFixture = fs.readFileSync(path.join(WIRE, 'GetAllAccounts__rate-limited', 'response.soap11.xml'), 'utf8').trimEnd();
    // Two lists held open: their clients stop reading after the first bytes, so the server's writes back up.
    const held = [openCall(url, '1.1', listBody('1.1', A), 'GetAllAccounts', true), openCall(url, '1.1', listBody('1.1', A), 'GetAllAccounts', true)];
    await Promise.all(held.map((h) => h.firstBytes));
    // Many more at once from the same partner: every one refused, with the rate limit's exact answer.
    const refused = await Promise.all(Array.from({ length: 12 }, () => openCall(url, '1.1', listBody('1.1', A)).text()));
    for (const body of refused) assert.equal(body, refusedFixture);
    // Meanwhile another partner lists and reads its accounts, and a third lists too.
    const others = await Promise.all([
      openCall(url, '1.1', listBody('1.1', B)).text(),
      openCall(url, '1.1', envelope('1.1', operationBody('GetAccountInfo', { userName: 'bob' }, false), B), 'GetAccountInfo').text(),
      openCall(url, '1.1', listBody('1.1', P, 'HOME')).text(),
    ]);
    assert.equal(itemCount(others[0]), 1);
    assert.match(others[1], /<Code>Success<\/Code>/);
    assert.equal(itemCount(others[2]), LISTED / 2);
    // The two held lists read to the end are whole.
    for (const body of await Promise.all(held.map((h) => h.text()))) {
      assert.equal(itemCount(body), LISTED + 3);
      assert.ok(body.endsWith('</soap:Envelope>'));
    }
    // Their slots are back: two more at once succeed.
    const again = await Promise.all([openCall(url, '1.1', listBody('1.1', A)).text(), openCall(url, '1.2', listBody('1.2', A)).text()]);
    for (const body of again) assert.equal(itemCount(body), LISTED + 3);
  });

  it('stops reading when the client goes away, gives the slot back, and says so once', async () => {
    const before = t.logLines.filter((l) => l.includes('client went away')).length;
    const gone = [openCall(url, '1.1', listBody('1.1', A), 'GetAllAccounts', true), openCall(url, '1.1', listBody('1.1', A), 'GetAllAccounts', true)];
    await Promise.all(gone.map((g) => g.firstBytes));
    for (const g of gone) g.destroy();
    await waitFor(() => t.logLines.filter((l) => l.includes('client went away')).length === before + 2, 10_000, 'both cut streams logged');
    const lines = t.logLines.filter((l) => l.includes('client went away'));
    assert.equal(lines.length, before + 2, 'one line per cut stream');
    const requestLines = t.logLines.filter((l) => l.includes('"ClientGone"'));
    assert.ok(requestLines.length >= 2, 'the request lines say how the answers ended');
    const again = await Promise.all([openCall(url, '1.1', listBody('1.1', A)).text(), openCall(url, '1.1', listBody('1.1', A)).text()]);
    for (const body of again) assert.equal(itemCount(body), LISTED + 3);
  });

  it("answers another partner's GetAccountInfo while four lists of 20,000 are written", async () => {
    const lists = [A, A, P, P].map((who) => openCall(url, '1.1', listBody('1.1', who)));
    let listsDone = 0;
    const bodies = Promise.all(
      lists.map((l) =>
        l.text().then((text) => {
          listsDone++;
          return text;
        }),
      ),
    );
    await Promise.all(lists.map((l) => l.firstBytes));
    const info = await openCall(url, '1.1', envelope('1.1', operationBody('GetAccountInfo', { userName: 'bob' }, false), B), 'GetAccountInfo').text();
    const whileRunning = listsDone < lists.length;
    assert.match(info, /<Code>Success<\/Code>/);
    // The provider sees reseller B's account too.
    assert.deepEqual((await bodies).map(itemCount), [LISTED + 3, LISTED + 3, LISTED + 4, LISTED + 4]);
    assert.ok(whileRunning, 'the GetAccountInfo answer came before the four lists were all written');
  });

  // When the client keeps up, the kernel takes each piece at once and node:http signals 'drain'
  // from process.nextTick: had the server waited only for that, one list would have run as a
  // single chain of continuations, and the lists one after another (the defect the `list`
  // bench found: every list's first byte after the previous list's end).
  it('serves four lists at once: every first byte before any list ends, and another partner is answered meanwhile', async () => {
    const lists = [A, A, P, P].map((who) => listInOtherProcess(url, '1.1', listBody('1.1', who)));
    let ended = 0;
    const counts = Promise.all(lists.map((l) => l.end.then((n) => (ended++, n))));
    await Promise.all(lists.map((l) => l.first));
    const endedAtLastFirstByte = ended;
    const info = await openCall(url, '1.1', envelope('1.1', operationBody('GetAccountInfo', { userName: 'bob' }, false), B), 'GetAccountInfo').text();
    const endedAtInfo = ended;
    assert.match(info, /<Code>Success<\/Code>/);
    assert.deepEqual(await counts, [LISTED + 3, LISTED + 3, LISTED + 4, LISTED + 4]);
    assert.equal(endedAtLastFirstByte, 0, 'all four lists had begun before any of them ended');
    assert.ok(endedAtInfo < lists.length, "another partner's GetAccountInfo was answered before the four lists were all written");
  });
});

describe('GetAllAccounts streams: the wire fixtures and failures', () => {
  it('answers the wire fixtures byte for byte when every list streams (batches of one row)', async () => {
    const t = await startTestApp({ template: await seededTemplate(), listBatchSize: 1 });
    try {
      for (const [version, file] of [
        ['1.1', 'soap11'],
        ['1.2', 'soap12'],
      ] as const) {
        const request = fs.readFileSync(path.join(WIRE, 'GetAllAccounts__success', `request.${file}.xml`));
        const expected = fs.readFileSync(path.join(WIRE, 'GetAllAccounts__success', `response.${file}.xml`), 'utf8').trimEnd();
        const r = await t.app.soap({ ...soapHeaders(version, 'GetAllAccounts'), body: request }, { requestId: `wire-${file}`, sourceAddress: '127.0.0.1', isLocal: true });
        assert.ok(r.chunks, 'three accounts in batches of one stream');
        assert.equal(await collect(r.chunks), expected);
      }
    } finally {
      await t.close();
    }
  });

  it('writes an empty streamed list as the buffered encoder does: <Accounts />', async () => {
    for (const batches of [[], [[], []]] as (readonly never[])[][]) {
      const stream = ItemStream.of(
        (async function* () {
          yield* batches;
        })(),
        (x: never) => x,
      );
      const chunks = encodeStreamedResponseBody(GetAllAccounts, { Result: 'Success', Accounts: stream }, '', '');
      assert.ok(chunks);
      assert.equal(await collect(chunks), encodeResponseBody(GetAllAccounts, { Result: 'Success', Accounts: [] }));
      assert.ok(stream.isEnded);
    }
  });

  it('a failure before the first bytes is the legacy UnexpectedError answer; after them the connection is cut', async () => {
    const t = await startTestApp({ template: await seededTemplate(), listBatchSize: 100, env: { AMS_PARTNER_REQUESTS_PER_MINUTE: '0' } });
    const running = await listenTestApp(t);
    try {
      // Long enough that a paused client holds the answer open (the socket buffers take a few MB).
      await addManyAccounts(t.app.store.db, CUSTOMER_A1, LISTED);
      const db = t.app.store.db;
      const refusedFixture = fs.readFileSync(path.join(WIRE, 'GetAllAccounts__rate-limited', 'response.soap11.xml'), 'utf8').trimEnd();
      // The table gone before the call: the first batch fails inside the call.
      await db.schema.alterTable('accounts').renameTo('accounts_away').execute();
      const early = await openCall(running.url, '1.1', listBody('1.1', A)).text();
      assert.equal(early, refusedFixture);
      await db.schema.alterTable('accounts_away').renameTo('accounts').execute();
      // The table gone once the head was sent: the client sees a cut answer, never a short list.
      const late = openCall(running.url, '1.1', listBody('1.1', A), 'GetAllAccounts', true);
      await late.firstBytes;
      await db.schema.alterTable('accounts').renameTo('accounts_away').execute();
      await assert.rejects(late.text());
      await db.schema.alterTable('accounts_away').renameTo('accounts').execute();
      await waitFor(() => t.logLines.some((l) => l.includes('streamed answer failed after its head was sent')), 10_000, 'the cut logged');
      // Its slot came back: the next two lists are whole.
      const again = await Promise.all([openCall(running.url, '1.1', listBody('1.1', A)).text(), openCall(running.url, '1.1', listBody('1.1', A)).text()]);
      for (const body of again) assert.equal(itemCount(body), LISTED + 3);
    } finally {
      await running.close(5000);
      await t.close();
    }
  });
});
