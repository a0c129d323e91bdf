// The operator CLI from source, for benchmarks that time a command as an operator runs it.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
