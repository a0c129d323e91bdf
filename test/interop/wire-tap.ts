/**
 * A loopback TCP relay in front of the server that keeps every byte both ways, so a test can
 * check what a third-party client really put on the wire (and what it got back) without
 * trusting the client's own account of it. HTTP/1.1 without pipelining: on each connection the
 * n-th request is answered by the n-th response.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface HttpMessage {
  readonly startLine: string;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body decoded as UTF-8; `bodyBytes` holds it as sent. */
  readonly body: string;
  readonly bodyBytes: Buffer;
}

export interface Exchange {
  readonly request: HttpMessage;
  readonly response: HttpMessage | undefined;
}

export interface WireTap {
  readonly port: number;
  /** Every exchange so far, connection by connection. */
  exchanges(): Exchange[];
  /** Forgets what was recorded so far; call it only while no exchange is in flight. */
  reset(): void;
  close(): Promise<void>;
}

function parseMessages(buf: Buffer): HttpMessage[] {
  const out: HttpMessage[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const headEnd = buf.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) break;
    const [startLine = '', ...lines] = buf.subarray(pos, headEnd).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let p = headEnd + 4;
    const chunks: Buffer[] = [];
    if ((headers['transfer-encoding'] ?? '').toLowerCase() === 'chunked') {
      for (;;) {
        const lineEnd = buf.indexOf('\r\n', p);
        const size = parseInt(buf.subarray(p, lineEnd).toString('latin1'), 16);
        p = lineEnd + 2;
        if (!(size > 0)) {
          p += 2; // no trailers
          break;
        }
        chunks.push(buf.subarray(p, p + size));
        p += size + 2;
      }
    } else {
      const length = Number(headers['content-length'] ?? '0');
      chunks.push(buf.subarray(p, p + length));
      p += length;
    }
    const bodyBytes = Buffer.concat(chunks);
    out.push({ startLine, headers, body: bodyBytes.toString('utf8'), bodyBytes });
    pos = p;
  }
  return out;
}

export async function startWireTap(targetPort: number): Promise<WireTap> {
  const connections: { up: Buffer[]; down: Buffer[] }[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const record = { up: [] as Buffer[], down: [] as Buffer[] };
    connections.push(record);
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.on('data', (d: Buffer) => record.up.push(d));
    upstream.on('data', (d: Buffer) => record.down.push(d));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    exchanges: () =>
      connections.flatMap(({ up, down }) => {
        const responses = parseMessages(Buffer.concat(down));
        return parseMessages(Buffer.concat(up)).map((request, i) => ({ request, response: responses[i] }));
      }),
    reset: () => {
      // Kept-alive connections carry on, so empty their records rather than dropping them.
      for (const c of connections) {
        c.up.length = 0;
        c.down.length = 0;
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
