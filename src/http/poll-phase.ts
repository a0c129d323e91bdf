/**
 * Resolves in the check phase of the current event-loop turn: one promise, and so one drain of
 * promise continuations, for every caller of the turn.
 *
 * Why: SOAP calls whose bodies arrive in one poll phase then run one after another in one
 * stretch, after node:http has read and parsed all of them, instead of each call's pipeline
 * running between the reads of the next sockets. Measured on GetAccountInfo under load
 * (bench/README.md), CPU per call fell from ~160 to ~98 µs from that alone. The likely
 * reason (this VM has no hardware counters to prove it) is locality: the pipeline's code and
 * data stay in the caches instead of being evicted by the kernel's and node:http's between
 * calls; a fixed spin loop in the pipeline's place gains nothing (`npm run bench -- edge`).
 * The calls of one drain also share work valid for a whole drain, above all the committed
 * reader's data-version check (store/committed-reader.ts), three system calls; that took it
 * to ~88 µs. The check still comes after the arrival of every request it serves, so
 * the reader's results stay exact.
 *
 * A lone request waits only for the rest of the poll phase, which is empty.
 */
let pending: Promise<void> | undefined;

export function endOfPollPhase(): Promise<void> {
  return (pending ??= new Promise((resolve) =>
    setImmediate(() => {
      pending = undefined;
      resolve();
    }),
  ));
}
