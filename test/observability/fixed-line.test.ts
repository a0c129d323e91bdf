/**
 * The request line's fast writer (src/observability/fixed-line.ts) writes exactly the line
 * `logger.info` writes for the same fields: same bytes, same escaping of control characters,
 * same levels, bindings and pretty form; and it refuses, at boot, a field name that redaction
 * would have to look at.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, type LogFields, type LogFormat } from '../../src/observability/logger.js';
import { escapeControls } from '../../src/observability/control-characters.js';

const KEYS = ['requestId', 'method', 'path', 'status', 'claimedUser', 'entityId', 'ok', 'durationMs'] as const;
type Values = { readonly [K in (typeof KEYS)[number]]: string | number | boolean | null | undefined };
/** The same values as the fixed line takes them: in the keys' order. */
const inOrder = (v: Values) => [v.requestId, v.method, v.path, v.status, v.claimedUser, v.entityId, v.ok, v.durationMs] as const;

/** Both writers on one logger; every line with its time replaced, so two lines can be compared. */
function bothWays(values: Values, format: LogFormat = 'json', bindings?: LogFields): { general: string; fixed: string } {
  const lines: string[] = [];
  const root = createLogger('debug', (line) => lines.push(line), { format });
  const logger = bindings ? root.child(bindings) : root;
  const fixed = logger.fixedLine('request', KEYS);
  logger.info('request', values);
  fixed('info', inOrder(values));
  assert.equal(lines.length, 2);
  const untimed = (line: string) => line.replace(/"time":"[^"]+"/, '"time":"T"').replace(/^\d\d:\d\d:\d\d\.\d\d\d/, 'T');
  return { general: untimed(lines[0]!), fixed: untimed(lines[1]!) };
}

const ordinary: Values = {
  requestId: 'req-1',
  method: 'POST',
  path: '/WebApi/AccountManagementService/AccountManagementService.asmx',
  status: 200,
  claimedUser: undefined,
  entityId: 7,
  ok: true,
  durationMs: 0.375,
};

describe('the fixed request line', () => {
  it('is byte for byte the line info() writes, for ordinary values', () => {
    const { general, fixed } = bothWays(ordinary);
    assert.equal(fixed, general);
    assert.ok(fixed.endsWith('"msg":"request"}\n'));
  });

  it('escapes what info() escapes: control characters (C0, C1, DEL, bidi, separators), quotes, backslashes', () => {
    const hostile = ['\u001b[31mred\u001b[0m', 'line\nbreak\ttab\r', 'a"b\\c', '\u009b2J', 'x\u007fy', '\u202eevil\u2066', 'sep\u2028\u2029', 'caf\u00e9 \u65e5\u672c', '"'.repeat(50)];
    for (const text of hostile) {
      const { general, fixed } = bothWays({ ...ordinary, path: text, claimedUser: text });
      assert.equal(fixed, general, JSON.stringify(text));
      // eslint-disable-next-line no-control-regex -- looking for raw control characters is the point
      assert.doesNotMatch(fixed.slice(0, -1), /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/, 'no raw control character in the line');
    }
  });

  it('writes non-finite numbers as null, null as null, and leaves undefined fields out, as info() does', () => {
    const { general, fixed } = bothWays({ ...ordinary, status: Number.NaN, durationMs: Number.POSITIVE_INFINITY, requestId: null, method: undefined });
    assert.equal(fixed, general);
    assert.ok(!fixed.includes('"method"'));
  });

  it('keeps a lone surrogate half valid JSON', () => {
    const { fixed } = bothWays({ ...ordinary, claimedUser: 'a\ud800b' });
    assert.equal((JSON.parse(fixed) as { claimedUser: string }).claimedUser, 'a\ud800b');
  });

  it("carries the logger's bindings (pid, hostname, a child's fields) and matches the pretty form", () => {
    const json = bothWays(ordinary, 'json', { worker: 'w\u001b1' });
    assert.equal(json.fixed, json.general);
    const parsed = JSON.parse(json.fixed) as Record<string, unknown>;
    assert.equal(parsed.pid, process.pid);
    assert.equal(parsed.worker, 'w\\u001b1');
    const pretty = bothWays(ordinary, 'pretty');
    assert.equal(pretty.fixed, pretty.general);
  });

  it('writes at the level asked for, and nothing below the logger level', () => {
    const lines: string[] = [];
    const write = createLogger('info', (line) => lines.push(line)).fixedLine('request', KEYS);
    write('debug', inOrder(ordinary));
    write('warn', inOrder(ordinary));
    assert.equal(lines.length, 1);
    assert.equal((JSON.parse(lines[0]!) as { level: string }).level, 'warn');
  });

  it('refuses at boot a field name redaction would look at, or one that is not a plain name', () => {
    const logger = createLogger('info', () => undefined);
    for (const key of ['password', 'Password', 'token', 'authHeader', 'headers', 'body']) {
      assert.throws(() => logger.fixedLine('request', ['status', key]), /may hold a secret/, key);
    }
    assert.throws(() => logger.fixedLine('request', ['a"b']), /plain name/);
  });
});

describe('the fixed request line for every kind of value', () => {
  // One logger for thousands of lines, a child binding with non-ASCII letters included; every
  // line of the fixed writer is compared with the one info() writes for the same values.
  const lines: string[] = [];
  const logger = createLogger('info', (line) => lines.push(line)).child({ host: 'hôte-日本' });
  const fixed = logger.fixedLine('request', KEYS);
  const untimed = (line: string) => line.replace(/"time":"[^"]+"/, '"time":"T"');
  // pino writes a lone surrogate half as it is (not valid UTF-8 once written); the fixed line
  // escapes it, so such a line is compared by what it says, not byte for byte.
  const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
  function assertSameLine(values: Values, what: string): void {
    lines.length = 0;
    logger.info('request', values);
    fixed('info', inOrder(values));
    const [general, written] = [untimed(lines[0]!), untimed(lines[1]!)];
    if (!Object.values(values).some((v) => typeof v === 'string' && LONE_SURROGATE.test(v))) return assert.equal(written, general, what);
    const said = JSON.parse(written) as Record<string, unknown>;
    const expected = JSON.parse(general) as Record<string, unknown>;
    for (const [key, value] of Object.entries(values)) if (typeof value === 'string') expected[key] = escapeControls(value);
    assert.deepEqual(said, expected, what);
  }

  it('writes 5,000 random strings of every kind of character as info() does', () => {
    // Deterministic: a failure can be replayed.
    let seed = 20;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pools = [' ~', '\u0000\u001f', '\u007f\u00a0', '\u2028\u206f', '\ud800\udfff', '\u00e9\u9fff'];
    // Every other string without surrogate halves, so that half are compared byte for byte.
    const char = (withSurrogates: boolean) => {
      const from = withSurrogates ? pools : pools.filter((p) => p !== '\ud800\udfff');
      const pool = from[Math.floor(random() * from.length)]!;
      const low = pool.charCodeAt(0);
      return String.fromCharCode(low + Math.floor(random() * (pool.charCodeAt(1) - low + 1)));
    };
    for (const text of ['\ud83d\ude00 emoji', '\u0085'.repeat(40), 'x'.repeat(2000)]) assertSameLine({ ...ordinary, path: text, claimedUser: text }, JSON.stringify(text));
    for (let n = 0; n < 5_000; n++) {
      const text = Array.from({ length: Math.floor(random() * 40) }, () => char(n % 2 === 0)).join('');
      assertSameLine({ ...ordinary, claimedUser: text, requestId: `${text}"\\` }, JSON.stringify(text));
    }
  });

  it('writes every number as info() does: durations to the microsecond, integers, huge, tiny, negative, non-finite', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const numbers = [0, -0, 1, 200, 0.001, 0.01, 0.1, 0.005, 0.05, 0.5, 0.105, 1.5, 12.34, 999999999.999, 1e9, 1e9 + 0.5, 1e21, 1e-7, 123e-20, -0.001, -12.5, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, Number.NaN, Number.POSITIVE_INFINITY, 1 / 3, 0.1 + 0.2];
    for (let n = 0; n < 20_000; n++) {
      numbers.push(Math.round(random() * 10 ** Math.floor(random() * 13)) / 1e3);
      numbers.push(Math.round(random() * 1e7 * 1e3) / 1e3, random() * 1e4, -random());
    }
    for (const durationMs of numbers) assertSameLine({ ...ordinary, durationMs, entityId: durationMs }, String(durationMs));
  });
});
