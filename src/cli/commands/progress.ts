/**
 * Progress of long work (issue 18): on a terminal a bar with rows/s and time left (cli-progress);
 * otherwise (a log, a pipe) one plain line every few seconds, so a supervisor's log stays readable.
 */
import { SingleBar } from 'cli-progress';
import type { FolderProgress } from '../../app/operator.js';

const LINE_EVERY_MS = 5_000;

export function folderProgress(stream: NodeJS.WriteStream = process.stderr): FolderProgress {
  let file = '';
  let total = 0;
  let started = 0;
  let lastLine = 0;
  let rowsDone = 0;
  let bar: SingleBar | undefined;
  const rate = (): number => Math.round(rowsDone / Math.max(0.001, (Date.now() - started) / 1000));
  return {
    start(name, bytes) {
      bar?.stop();
      file = name;
      total = Math.max(1, bytes);
      started = Date.now();
      lastLine = started;
      rowsDone = 0;
      if (stream.isTTY) {
        bar = new SingleBar({
          stream,
          format: `${name} [{bar}] {percentage}% | {rows} rows | {rate} rows/s | {eta_formatted} left`,
          etaBuffer: 50,
          hideCursor: true,
        });
        bar.start(total, 0, { rows: 0, rate: 0 });
      }
    },
    advance(bytesRead, rows) {
      rowsDone = rows;
      if (bar) {
        bar.update(Math.min(bytesRead, total), { rows, rate: rate() });
        return;
      }
      const now = Date.now();
      if (now - lastLine < LINE_EVERY_MS) return;
      lastLine = now;
      const fraction = Math.min(1, bytesRead / total);
      const left = fraction > 0 ? Math.round(((now - started) / 1000) * ((1 - fraction) / fraction)) : 0;
      stream.write(`${file}: ${rows} rows, ${Math.round(fraction * 100)}%, ${rate()} rows/s, about ${left} s left\n`);
    },
    finish() {
      bar?.stop();
      bar = undefined;
    },
  };
}
