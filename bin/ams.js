#!/usr/bin/env node
// The operator CLI; runs the compiled code in dist/ (`npm run build` makes it).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
