/**
 * The fixed-rate load generator, in a process of its own: autocannon's API at an overall
 * request rate, cycling through the bodies of a file (one per line). Prints autocannon's JSON
 * result. argv: JSON { url, soapAction, bodiesFile, rate, seconds, connections }.
 */
import fs from 'node:fs';
import autocannon from 'autocannon';

interface AtRateArgs {
  readonly url: string;
  readonly soapAction: string;
  readonly bodiesFile: string;
  readonly rate: number;
  readonly seconds: number;
  readonly connections: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as AtRateArgs;
const bodies = fs.readFileSync(args.bodiesFile, 'utf8').split('\n').filter((line) => line.length > 0);
let next = 0;
const result = await autocannon({
  url: args.url,
  connections: args.connections,
  duration: args.seconds,
  overallRate: args.rate,
  method: 'POST',
  headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: args.soapAction },
  // One request whose body rotates: a `requests` list of many entries is a per-connection
  // sequence to autocannon, and with a rate set it paced them wrongly (p99 of 100+ ms against a
  // bare server that answers in under 1 ms).
  requests: [{ method: 'POST', setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
});
process.stdout.write(JSON.stringify(result));
