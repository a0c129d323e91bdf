/**
 * A process that logs through the line writer to its stdout, for test/observability/line-writer.test.ts.
 * argv: <lines> <maxWrite or 0> <maxPendingBytes or 0> <ending: exit | drain> <tag>
 * Line i is `{"tag":…,"i":i,"pad":"…"}` with a pad of 0 to ~9,000 characters, so some lines are
 * longer than a pipe's atomic write; odd lines go through `writeEncoded`, even ones through `write`. `exit` calls process.exit right after the last write (what
 * is queued must still come out); `drain` waits for the writer first.
 */
import { processLineWriter } from '../../src/observability/line-writer.js';

const [lines, maxWrite, maxPending, ending, tag] = process.argv.slice(2);
const writer = processLineWriter(1, {
  ...(Number(maxWrite) > 0 ? { maxWrite: Number(maxWrite) } : {}),
  ...(Number(maxPending) > 0 ? { maxPendingBytes: Number(maxPending) } : {}),
});
// Every other line encoded straight into the writer's buffer, as the request line is.
const encodeAscii = (buffer: Buffer, offset: number, line: string): number => offset + buffer.write(line, offset, 'latin1');
for (let i = 0; i < Number(lines); i++) {
  const line = `${JSON.stringify({ tag, i, pad: 'x'.repeat((i * 7919) % 9000) })}\n`;
  if (i % 2 === 0) writer.write(line);
  else writer.writeEncoded(line.length, encodeAscii, line);
}
if (ending === 'exit') process.exit(0);
await writer.drained();
