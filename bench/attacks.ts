/**
 * `npm run attacks`: the hardening figures of issue 6 — each attack against a real AMS process
 * (bench/servers/ams.ts, defaults except shorter connection timeouts so the run takes a
 * minute), measured from outside: the status the attack gets, how long it takes, what it costs
 * the server (RSS before/after, the event loop's longest stall) and how a normal request sent
 * meanwhile fares. The same attacks are regression tests in test/hardening/; this script
 * records the numbers for bench/README.md.
 */
import http from 'node:http';
import net from 'node:net';
import { ACCOUNT_PASSWORD, PARTNER, prepareDatabase } from './lib/fixture.js';
import { startServer, type Server } from './lib/processes.js';
import { record } from './lib/report.js';
import { SERVICE_PATH } from '../src/contract/common-types.js';

const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const NS = 'sosonlinebackup.com';
const HEADERS_TIMEOUT_MS = 2000;

const envelope = (body: string, password = PARTNER.password, user = PARTNER.user) =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${S11}"><soap:Header><AuthHeader xmlns="${NS}"><UserName>${user}</UserName>` +
  `<Password>${password}</Password></AuthHeader></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
const info = (user = 'user0000001') => `<GetAccountInfo xmlns="${NS}"><userName>${user}</userName></GetAccountInfo>`;

interface Answer {
  readonly status: number;
  readonly ms: number;
  readonly code: string;
}

async function post(port: number, body: string | Buffer, contentType = 'text/xml; charset=utf-8', op = 'GetAccountInfo'): Promise<Answer> {
  const started = performance.now();
  try {
    const r = await fetch(`http://127.0.0.1:${port}${SERVICE_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': contentType, SOAPAction: `"${NS}/${op}"` },
      body: typeof body === 'string' ? body : new Uint8Array(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await r.text();
    return { status: r.status, ms: performance.now() - started, code: /<Code>(\w+)<\/Code>/.exec(text)?.[1] ?? (text === '' ? 'empty' : 'fault') };
  } catch (err) {
    return { status: 0, ms: performance.now() - started, code: err instanceof Error ? (err.cause as { code?: string } | undefined)?.code ?? err.name : 'error' };
  }
}

/** The same over node:http from a chosen loopback source address (127.0.0.2 is another client). */
function postFrom(localAddress: string, port: number, body: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, localAddress, method: 'POST', path: SERVICE_PATH, agent: false, headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${NS}/GetAccountInfo"`, 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, code: /<Code>(\w+)<\/Code>/.exec(text)?.[1] ?? 'other' }));
      },
    );
    req.on('error', (err) => resolve({ status: 0, ms: performance.now() - started, code: err.message }));
    req.end(body);
  });
}

const round = (n: number) => Math.round(n * 10) / 10;
const mib = (bytes: number | undefined) => round((bytes ?? 0) / 2 ** 20);

async function serverWith(env: Record<string, string>): Promise<{ server: Server; port: number }> {
  const db = await prepareDatabase(200);
  const server = await startServer('ams', 'ams.ts', [JSON.stringify({ ...db.env, AMS_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), AMS_REQUEST_TIMEOUT_MS: '5000', AMS_MAX_CONNECTIONS: '1000', ...env })]);
  const warm = await post(server.port, envelope(info()));
  if (warm.code !== 'Success') throw new Error(`the server does not answer normally: ${JSON.stringify(warm)}`);
  return { server, port: server.port };
}

/** Runs `attack`, with a normal request 20 ms in; the server's memory and longest event-loop stall around it. */
async function measure<T>(server: Server, port: number, name: string, attack: () => Promise<T>) {
  console.error(`attack: ${name}`);
  const before = await server.stats();
  server.reset();
  const started = performance.now();
  const [result, normal] = await Promise.all([attack(), new Promise<Answer>((resolve) => setTimeout(() => void post(port, envelope(info())).then(resolve), 20))]);
  const ms = performance.now() - started;
  const after = await server.stats();
  return {
    result,
    ms: round(ms),
    normalRequest: { status: normal.status, code: normal.code, ms: round(normal.ms) },
    serverRssMiB: { before: mib(before.rssBytes), after: mib(after.rssBytes) },
    eventLoopMaxStallMs: round(after.eventLoopDelayMaxMs ?? 0),
  };
}

const XML_ATTACKS: Record<string, { body: () => string | Buffer; contentType?: string }> = {
  'billion laughs': {
    body: () =>
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]>` +
      `<soap:Envelope xmlns:soap="${S11}"><soap:Body><x>&lol9;</x></soap:Body></soap:Envelope>`,
  },
  'quadratic blow-up (50 KB entity × 50,000)': { body: () => `<!DOCTYPE x [<!ENTITY a "${'a'.repeat(50_000)}">]><x>${'&a;'.repeat(50_000)}</x>` },
  'XXE (file)': { body: () => `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>` },
  'XXE (URL)': { body: () => `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/">]><x>&xxe;</x>` },
  '100,000-deep nesting': { body: () => envelope(`${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`) },
  '50,000 attributes': { body: () => envelope(`<x ${Array.from({ length: 50_000 }, (_, i) => `a${i}="1"`).join(' ')}/>`) },
  '50,000 children': { body: () => envelope(`<x>${'<y/>'.repeat(50_000)}</x>`) },
  '2 MiB text node': { body: () => envelope(info('a'.repeat(2 * 2 ** 20))) },
  '5 MiB body': { body: () => envelope(`<x>${'a'.repeat(5 * 2 ** 20)}</x>`) },
  'invalid UTF-8': { body: () => Buffer.concat([Buffer.from(envelope('<x>')), Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from('</x>')]) },
  'unbound prefix': { body: () => envelope('<p:GetAccountInfo/>') },
  'duplicate attribute': { body: () => envelope('<x a="1" a="2"/>') },
  'processing instruction': { body: () => envelope(`<?evil x?>${info()}`) },
  'SOAP 1.1 envelope as application/soap+xml': { body: () => envelope(info()), contentType: 'application/soap+xml; charset=utf-8' },
};

interface Connection {
  readonly socket: net.Socket;
  /** ms after connecting when the server closed it. */
  readonly closed: Promise<number>;
  isClosed(): boolean;
}

function connect(port: number): Promise<Connection> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1');
    let isClosed = false;
    socket.on('error', () => undefined);
    socket.resume(); // read, or the server's close (and its 408) would never be seen
    const closed = new Promise<number>((done) =>
      socket.once('close', () => {
        isClosed = true;
        done(performance.now() - started);
      }),
    );
    const c = { socket, closed, isClosed: () => isClosed };
    socket.once('connect', () => resolve(c));
    socket.once('error', () => resolve(c));
  });
}

const figures: Record<string, unknown> = {};

// 1. Hostile XML and oversized bodies, one after another, each with a normal request beside it.
{
  const { server, port } = await serverWith({});
  try {
    for (const [name, attack] of Object.entries(XML_ATTACKS)) {
      const m = await measure(server, port, name, () => post(port, attack.body(), attack.contentType));
      figures[name] = { status: m.result.status, answeredMs: round(m.result.ms), ...m, result: undefined };
    }

    // 2. Slow loris: 200 connections sending headers a byte every 200 ms.
    figures['slow loris (200 connections, headers a byte per 200 ms)'] = await measure(server, port, 'slow loris (200 connections, headers a byte per 200 ms)', async () => {
      const sockets = await Promise.all(Array.from({ length: 200 }, () => connect(port)));
      const timers = sockets.map(({ socket }) => {
        socket.write(`POST ${SERVICE_PATH} HTTP/1.1\r\n`);
        return setInterval(() => socket.destroyed || socket.write('X'), 200);
      });
      const closedAfter = await Promise.all(sockets.map((s) => s.closed));
      timers.forEach(clearInterval);
      return { allCutAfterMs: round(Math.max(...closedAfter)), headersTimeoutMs: HEADERS_TIMEOUT_MS };
    });

    // 3. Connection flood past AMS_MAX_CONNECTIONS (1000): the rest are closed at once; the flood
    //    itself is cut by the headers timeout, after which new clients get in again.
    figures['connection flood (1,500 idle connections, cap 1,000)'] = await measure(server, port, 'connection flood (1,500 idle connections, cap 1,000)', async () => {
      const sockets = await Promise.all(Array.from({ length: 1500 }, () => connect(port)));
      await new Promise((r) => setTimeout(r, 300));
      const closedAtOnce = sockets.filter((s) => s.isClosed()).length;
      const duringFlood = await post(port, envelope(info()));
      await Promise.all(sockets.map((s) => s.closed));
      const recovered = await post(port, envelope(info()));
      return { closedAtOnce, normalDuringFlood: duringFlood.code, normalAfterTimeout: recovered.code, recoveredWithinMs: HEADERS_TIMEOUT_MS };
    });
  } finally {
    await server.stop();
  }
}

// 4. AuthHeader brute force from one source (127.0.0.2): 500 guesses at the partner's secret, 50
//    at a time (defaults: 50 failures per source, 10 per user name, in 5 minutes). The partner
//    itself calls from 127.0.0.1, where it has signed in before.
{
  const { server, port } = await serverWith({});
  try {
    figures['AuthHeader brute force (500 guesses, 50 concurrent, one source)'] = await measure(server, port, 'AuthHeader brute force (500 guesses, 50 concurrent, one source)', async () => {
      const answers: Answer[] = [];
      const started = performance.now();
      for (let i = 0; i < 500; i += 50) answers.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) => postFrom('127.0.0.2', port, envelope(info(), `guess-${i + j}-secret`))))));
      const seconds = (performance.now() - started) / 1000;
      const codes: Record<string, number> = {};
      for (const a of answers) codes[a.code] = (codes[a.code] ?? 0) + 1;
      const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
      return {
        codes,
        seconds: round(seconds),
        medianMs: round(sorted[250] ?? 0),
        rightSecretFromTheAttackingSource: (await postFrom('127.0.0.2', port, envelope(info()))).code,
        rightSecretFromThePartnersSource: (await postFrom('127.0.0.1', port, envelope(info()))).code,
        rightSecretFromANewSource: (await postFrom('127.0.0.3', port, envelope(info()))).code,
      };
    });
  } finally {
    await server.stop();
  }
}

// 5. Sign-in flood: 32 clients hammering Authenticate (right passwords, so one Argon2 each and no lock-out) for 5 s.
{
  const { server, port } = await serverWith({});
  try {
    figures['sign-in flood (32 clients, Authenticate, 5 s)'] = await measure(server, port, 'sign-in flood (32 clients, Authenticate, 5 s)', async () => {
      const until = performance.now() + 5000;
      let calls = 0;
      const probes: number[] = [];
      const probe = (async () => {
        while (performance.now() < until) {
          probes.push((await post(port, envelope(info()))).ms);
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      await Promise.all(
        Array.from({ length: 32 }, async (_, c) => {
          while (performance.now() < until) {
            await post(port, envelope(`<Authenticate xmlns="${NS}"><userName>user${String(c).padStart(7, '0')}</userName><password>${ACCOUNT_PASSWORD}</password></Authenticate>`), undefined, 'Authenticate');
            calls++;
          }
        }),
      );
      await probe;
      probes.sort((a, b) => a - b);
      return { signIns: calls, getAccountInfoDuringMs: { p50: round(probes[Math.floor(probes.length / 2)] ?? 0), max: round(probes.at(-1) ?? 0) } };
    });
  } finally {
    await server.stop();
  }
}

// 6. One partner over its rate (defaults: 3,000 per minute, burst 100): 400 calls at once.
{
  const { server, port } = await serverWith({ AMS_PARTNER_REQUESTS_PER_MINUTE: '3000', AMS_PARTNER_BURST: '100' });
  try {
    figures['partner over its rate (400 calls at once; 3,000/min, burst 100)'] = await measure(server, port, 'partner over its rate (400 calls at once; 3,000/min, burst 100)', async () => {
      const answers = await Promise.all(Array.from({ length: 400 }, () => post(port, envelope(info()))));
      const codes: Record<string, number> = {};
      for (const a of answers) codes[a.code] = (codes[a.code] ?? 0) + 1;
      return { codes };
    });
  } finally {
    await server.stop();
  }
}

record('attacks', { headersTimeoutMs: HEADERS_TIMEOUT_MS, attacks: figures });
