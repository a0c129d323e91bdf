/**
 * A floor under any HTTP layer on node:net, not an HTTP server: per keep-alive POST it finds the
 * head's end, reads Content-Length, waits for the body and writes a fixed answer of AMS's size,
 * validating nothing (no request line, no header syntax, no limits, no timeouts, no chunked
 * bodies). What node:http costs beyond it is the most that replacing node:http could save
 * (issue 20, goal 1: bench/README.md). argv: <response body>
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

const body = Buffer.from(process.argv[2] ?? '', 'utf8');
// The headers bare node:http sends with this body, in its order, so that both write as many
// bytes per answer (node:http renews its Date every second; this one is fixed at start).
const answer = Buffer.concat([
  Buffer.from(
    `HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: ${body.length}\r\nDate: ${new Date().toUTCString()}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n`,
    'latin1',
  ),
  body,
]);
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;

const server = net.createServer((socket) => {
  let pending: Buffer | undefined;
  socket.on('data', (chunk: Buffer) => {
    let buffered = pending ? Buffer.concat([pending, chunk]) : chunk;
    for (;;) {
      const headEnd = buffered.indexOf('\r\n\r\n');
      if (headEnd < 0) break;
      const length = CONTENT_LENGTH.exec(buffered.toString('latin1', 0, headEnd));
      const requestEnd = headEnd + 4 + (length ? Number(length[1]) : 0);
      if (buffered.length < requestEnd) break;
      socket.write(answer);
      buffered = buffered.subarray(requestEnd);
    }
    pending = buffered.length > 0 ? buffered : undefined;
  });
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
// A clean exit on SIGTERM, so that --cpu-prof writes its profile.
process.once('SIGTERM', () => process.exit(0));
