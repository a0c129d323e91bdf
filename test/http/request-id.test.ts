/** Generated request ids: UUID-shaped, distinct within a process and between processes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { requestIdSource } from '../../src/http/request-id.js';

const UUID_V4_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('are shaped like v4 UUIDs and never repeat within a source', () => {
    const next = requestIdSource();
    const ids = Array.from({ length: 100_000 }, next);
    for (const id of [ids[0]!, ids[99_999]!]) assert.match(id, UUID_V4_SHAPE);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('differ between sources (each process has its own random prefix)', () => {
    const prefixes = new Set(Array.from({ length: 1000 }, () => requestIdSource()().slice(0, 24)));
    assert.equal(prefixes.size, 1000);
  });
});
