// Runs every test/**/*.test.ts with node's test runner (TypeScript through tsx), after making
// sure the third-party SOAP clients and the browser the interop tests use are installed.
//
// With AMS_TEST_DATABASE_URL (a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/test)
// it also runs, one after the other: the harness suites again on PostgreSQL
// (AMS_TEST_HARNESS_ENGINE=postgres), the multi-instance tests of test/scale/, and last and
// alone the test that stops and restarts PostgreSQL. The store suite (test/conformance/) covers
// both engines within the first run. In CI (CI=true) a missing or unreachable PostgreSQL fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return find(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

const pgUrl = process.env.AMS_TEST_DATABASE_URL?.trim() || undefined;
if (process.env.CI === 'true' && !pgUrl) {
  console.error('CI: AMS_TEST_DATABASE_URL is not set; the store and scale-out suites must run on PostgreSQL too');
  process.exit(1);
}
if (pgUrl) {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    console.error(`PostgreSQL at ${pgUrl.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')} is unreachable (${err instanceof Error ? err.message : String(err)}); unset AMS_TEST_DATABASE_URL to test on SQLite only`);
    process.exit(1);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const tools = spawnSync('bash', ['scripts/ensure-test-tools.sh'], { stdio: 'inherit' });
if (tools.status !== 0) {
  console.error('could not install the test peers (python3-zeep, php-soap, chromium, gsoap, jaxws, a JDK); see scripts/ensure-test-tools.sh');
  process.exit(tools.status ?? 1);
}

const filter = process.argv.slice(2);
const all = find('test')
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();
const isScale = (f) => f.startsWith(path.join('test', 'scale') + path.sep);
const isFaults = (f) => f.endsWith('database-faults.test.ts');
/** Suites built on test/support/harness.ts that run unchanged on PostgreSQL. */
const onHarness = (f) => ['wire', 'operations', 'domain', 'soap', 'http', 'rest'].some((d) => f.startsWith(path.join('test', d) + path.sep));

const runs = [{ name: 'all suites', files: all.filter((f) => !isScale(f)), env: {} }];
if (pgUrl) {
  runs.push(
    { name: 'harness suites on PostgreSQL', files: all.filter(onHarness), env: { AMS_TEST_HARNESS_ENGINE: 'postgres' } },
    { name: 'several instances on PostgreSQL', files: all.filter((f) => isScale(f) && !isFaults(f)), env: {} },
    { name: 'PostgreSQL stopped and restarted', files: all.filter(isFaults), env: {} },
  );
}

let status = 0;
const totals = { passed: 0, failed: 0, skipped: 0 };
const tapDir = mkdtempSync(path.join(tmpdir(), 'ams-tap-'));
for (const [index, run] of runs.entries()) {
  if (run.files.length === 0) continue;
  if (runs.length > 1) console.log(`\n# ${run.name} (${run.files.length} files)`);
  // Spec output for people, TAP to a file for the totals below.
  const tap = path.join(tapDir, `${index}.tap`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...run.files],
    { stdio: 'inherit', env: { ...process.env, ...run.env } },
  );
  if (result.status !== 0 && status === 0) status = result.status ?? 1;
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (label) => Number(new RegExp(`^# ${label} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  totals.passed += count('pass');
  totals.failed += count('fail') + count('cancelled');
  totals.skipped += count('skipped') + count('todo');
}
rmSync(tapDir, { recursive: true, force: true });
console.log(`\nTotal: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(status);
