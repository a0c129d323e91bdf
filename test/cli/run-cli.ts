// Runs the CLI from source (bin/ams.js runs the compiled copy in dist/).
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
