/**
 * Every line the CLI prints goes through these: names, e-mail addresses and messages came from
 * partners' requests or import files, and their control characters (an ESC, an 8-bit CSI)
 * must not drive the operator's terminal (issue 14). Tab and newline shape the output and stay.
 */
import { escapeControlsInLines } from '../observability/control-characters.js';

export const out = (text: string): boolean => process.stdout.write(escapeControlsInLines(text));
export const outError = (text: string): boolean => process.stderr.write(escapeControlsInLines(text));
export const print = (line: string): boolean => out(`${line}\n`);
export const printError = (line: string): boolean => outError(`${line}\n`);
