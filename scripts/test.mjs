// Runs every test/**/*.test.ts with node's test runner (TypeScript through tsx), after making
// sure the third-party SOAP clients and the browser the interop tests use are installed.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return find(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

const tools = spawnSync('bash', ['scripts/ensure-test-tools.sh'], { stdio: 'inherit' });
if (tools.status !== 0) {
  console.error('could not install the test peers (python3-zeep, php-soap, chromium, gsoap, jaxws, a JDK); see scripts/ensure-test-tools.sh');
  process.exit(tools.status ?? 1);
}

const filter = process.argv.slice(2);
const files = find('test')
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
