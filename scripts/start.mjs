// `npm start`: compile if a source changed since the last build, then `ams serve`, in this one
// process. Checking freshness here rather than in a `prestart` script saves a Node start and a
// lifecycle step of npm (about 0.5 s on a busy machine): issue 17 asks for a listening socket
// within 3 s of `npm start` when nothing changed. Arguments after `npm start --` go to serve.
import { build } from './build.mjs';

build({ ifStale: true });
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(['serve', ...process.argv.slice(2)]);
