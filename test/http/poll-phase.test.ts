/**
 * endOfPollPhase (src/http/poll-phase.ts): the SOAP calls of one event-loop turn resume in one
 * drain of promise continuations, which is what lets them share the committed reader's
 * data-version check; calls of a later turn get a drain of their own.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { endOfPollPhase } from '../../src/http/poll-phase.js';

/** Numbers drains: a nextTick queued in a drain runs only once the drain is over. */
function drainCounter(): () => number {
  let drain = 0;
  let scheduled = false;
  return () => {
    if (!scheduled) {
      scheduled = true;
      process.nextTick(() => {
        scheduled = false;
        drain++;
      });
    }
    return drain;
  };
}

describe('endOfPollPhase', () => {
  it('resumes every caller of one turn in the same drain, after the callbacks of that turn', async () => {
    const currentDrain = drainCounter();
    const order: string[] = [];
    const resumed: number[] = [];
    const callers = [0, 1, 2].map((i) => {
      order.push(`arrived ${i}`);
      return endOfPollPhase().then(() => {
        order.push(`resumed ${i}`);
        resumed.push(currentDrain());
      });
    });
    await Promise.all(callers);
    assert.equal(new Set(resumed).size, 1, `one drain for all three, got ${resumed.join(',')}`);
    assert.deepEqual(order, ['arrived 0', 'arrived 1', 'arrived 2', 'resumed 0', 'resumed 1', 'resumed 2']);
  });

  it('resumes only once the callbacks already queued for this turn have run', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('queued callback'));
    await endOfPollPhase().then(() => order.push('resumed'));
    assert.deepEqual(order, ['queued callback', 'resumed']);
  });

  it('gives the calls of a later turn a drain of their own', async () => {
    const currentDrain = drainCounter();
    await endOfPollPhase();
    const first = currentDrain();
    await new Promise((resolve) => setImmediate(resolve));
    await endOfPollPhase();
    assert.notEqual(currentDrain(), first);
  });

  it('batches the requests that sockets deliver in one poll phase', async () => {
    // Two connections whose data is already waiting when the loop polls: both reads happen in
    // one poll phase, and both callers resume together.
    const currentDrain = drainCounter();
    const resumed: number[] = [];
    let bothRead!: () => void;
    const done = new Promise<void>((resolve) => (bothRead = resolve));
    let bothAccepted!: () => void;
    const accepted = new Promise<void>((resolve) => (bothAccepted = resolve));
    let connections = 0;
    const server = net.createServer((socket) => {
      if (++connections === 2) bothAccepted();
      socket.once('data', () => {
        void endOfPollPhase().then(() => {
          resumed.push(currentDrain());
          socket.end();
          if (resumed.length === 2) bothRead();
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const clients = await Promise.all([0, 1].map(() => new Promise<net.Socket>((resolve) => { const c = net.connect(port, '127.0.0.1', () => resolve(c)); })));
    // Once the server has accepted both, block the loop while both requests arrive.
    await accepted;
    for (const c of clients) c.write('request');
    const until = Date.now() + 50;
    while (Date.now() < until); // the loop is busy: both writes are waiting at the next poll
    await done;
    for (const c of clients) c.destroy();
    server.close();
    assert.equal(resumed[0], resumed[1], 'both requests resumed in one drain');
  });
});
