/**
 * AMS's HTTP edge (src/http/server.ts, with its timeouts, request ids, drain tracking and log
 * check) answering a fixed envelope without any SOAP work, optionally after spinning the CPU for
 * a fixed time per request as a stand-in for work of known cost. Measured beside bare node:http
 * it shows what the edge costs; with the spin, how the cost of a response grows as a server
 * gets slower (bench/README.md).
 * argv: <response body> <spin µs per request>
 */
import type { AddressInfo } from 'node:net';
import type * as HttpServer from '../../src/http/server.js';
import type * as Logging from '../../src/observability/logger.js';
import { importCompiled } from '../lib/compiled.js';

// The compiled build, as in ams.ts (lib/compiled.ts).
const { createHttpHandler, listen } = await importCompiled<typeof HttpServer>('http/server.js');
const { createLogger } = await importCompiled<typeof Logging>('observability/logger.js');

const body = process.argv[2] ?? '';
const spinMs = Number(process.argv[3] ?? '0') / 1000;
const notServed = (): never => {
  throw new Error('the edge benchmark serves only the SOAP endpoint');
};
const handler = createHttpHandler({
  soap: () => {
    const until = performance.now() + spinMs;
    while (performance.now() < until); // the stand-in for a pipeline of known cost
    return Promise.resolve({ status: 200, contentType: 'text/xml; charset=utf-8', body, operation: 'GetAccountInfo', soapVersion: '1.1' });
  },
  docs: { wsdl: notServed, disco: notServed, operationList: notServed, operationPage: notServed },
  invokeForm: notServed,
  health: () => Promise.resolve({ ok: true, details: {} }),
  publicUrl: null,
  maxBodyBytes: 4 * 1024 * 1024,
  logger: createLogger('error'),
});
const running = await listen(handler, 0, '127.0.0.1');
process.send?.({ port: (running.server.address() as AddressInfo).port });
// A clean exit on SIGTERM, so that --cpu-prof writes its profile.
process.once('SIGTERM', () => process.exit(0));
