#!/usr/bin/env node
// The operator CLI; runs the compiled code in dist/ (`npm run build` makes it; `npm install` too).
let main;
try {
  ({ main } = await import('../dist/cli/main.js'));
} catch (err) {
  // One line, as for every other failure of `ams` (docs/operator-failures.md).
  const missing = err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('/dist/');
  process.stderr.write(missing ? 'ams: not built: dist/ is missing (run npm install, or npm run build)\n' : `ams: cannot load: ${err?.message ?? err}\n`);
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
