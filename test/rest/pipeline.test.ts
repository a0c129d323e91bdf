/**
 * The JSON pipeline without a socket (issue 19), for what a healthy service cannot be made to do
 * on purpose: a failure inside becomes a 500 that tells the request id and nothing else, and
 * gives the Idempotency-Key back so that the retry runs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRestPipeline, type RestRequest } from '../../src/rest/pipeline.js';
import { MAX_BASIC_LENGTH, MAX_BEARER_LENGTH, parseAuthorization } from '../../src/rest/authorization.js';
import type { IdempotencyOutcome, RestSession, StoredAnswer } from '../../src/rest/ports.js';

const CALLER = { userId: 7, username: 'p', entityId: 1, readOnly: false };

function memoryIdempotency() {
  const keys = new Map<string, { digest: string; answer?: StoredAnswer }>();
  return {
    keys,
    async claim(userId: number, key: string, digest: string): Promise<IdempotencyOutcome> {
      const found = keys.get(`${userId} ${key}`);
      if (!found) {
        keys.set(`${userId} ${key}`, { digest });
        return { kind: 'claimed' };
      }
      if (found.digest !== digest) return { kind: 'mismatch' };
      return found.answer ? { kind: 'replay', ...found.answer } : { kind: 'in-progress' };
    },
    async complete(userId: number, key: string, answer: StoredAnswer) {
      keys.get(`${userId} ${key}`)!.answer = answer;
    },
    async release(userId: number, key: string) {
      keys.delete(`${userId} ${key}`);
    },
  };
}

const post = (body: unknown, idempotencyKey?: string): RestRequest => ({
  method: 'POST',
  path: '/api/v1/accounts/alice/cancel',
  query: '',
  contentType: 'application/json',
  authorization: 'Basic cDpz',
  idempotencyKey,
  body: Buffer.from(JSON.stringify(body)),
});

describe('the JSON pipeline', () => {
  it('answers a failure inside with 500, the request id and nothing else, and releases the Idempotency-Key', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const session: RestSession<{ requestId: string }> = {
      authenticate: async () => CALLER,
      invoke: async () => {
        if (fail) throw new Error('database password is hunter2');
        return { CancelAccountResult: { Result: 0, Code: 'Success', Message: '' } };
      },
      listAccounts: async () => ({ ok: true, items: [] }),
    };
    const idempotency = memoryIdempotency();
    const pipeline = createRestPipeline({ session, idempotency, rateState: () => ({ limit: 5, remaining: 4, resetSeconds: 1, retryAfterSeconds: 0 }), onInternalError: (e) => errors.push(e) });
    const answer = await pipeline(post({}, 'k-1'), { requestId: 'req-42' });
    assert.equal(answer.status, 500);
    const problem = JSON.parse(answer.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(problem).sort(), ['code', 'detail', 'requestId', 'result', 'status', 'title', 'type']);
    assert.equal(problem['requestId'], 'req-42');
    assert.equal(problem['code'], 'UnexpectedError');
    assert.doesNotMatch(answer.body, /hunter2|database/);
    assert.equal(errors.length, 1);
    assert.equal(answer.headers['RateLimit-Remaining'], '4');
    assert.equal(idempotency.keys.size, 0, 'the key is given back');
    fail = false;
    const retry = await pipeline(post({}, 'k-1'), { requestId: 'req-43' });
    assert.equal(retry.status, 204);
    assert.equal((await pipeline(post({}, 'k-1'), { requestId: 'req-44' })).headers['Idempotent-Replayed'], 'true');
  });

  it('reads Basic and Bearer credentials, and nothing else', () => {
    assert.deepEqual(parseAuthorization(`Basic ${Buffer.from('user:pa:ss').toString('base64')}`), { UserName: 'user', Password: 'pa:ss' });
    assert.deepEqual(parseAuthorization('bearer ams_1234abcd_x'), { apiKey: 'ams_1234abcd_x' });
    assert.deepEqual(parseAuthorization(`Basic   ${Buffer.from('user:pw').toString('base64')}  `), { UserName: 'user', Password: 'pw' }, 'spaces around the token');
    for (const header of [undefined, 'Basic', 'Basic !!!', `Basic ${Buffer.from('nocolon').toString('base64')}`, 'Digest x', 'Bearer ', 'Bearer a b', 'Basic==']) assert.equal(parseAuthorization(header), null, header);
  });

  it('refuses a Basic value over 2,048 characters and a Bearer token over 512 before reading them', () => {
    // 1,536 bytes are exactly 2,048 base64 characters; one byte more is 2,052.
    const basic = (bytes: number) => `Basic ${Buffer.from(`u:${'p'.repeat(bytes - 2)}`).toString('base64')}`;
    assert.equal(basic(1536).length - 'Basic '.length, MAX_BASIC_LENGTH);
    assert.deepEqual(parseAuthorization(basic(1536)), { UserName: 'u', Password: 'p'.repeat(1534) });
    assert.equal(parseAuthorization(basic(1537)), null);
    assert.deepEqual(parseAuthorization(`Bearer ${'k'.repeat(MAX_BEARER_LENGTH)}`), { apiKey: 'k'.repeat(MAX_BEARER_LENGTH) });
    assert.equal(parseAuthorization(`Bearer ${'k'.repeat(MAX_BEARER_LENGTH + 1)}`), null);
  });
});
