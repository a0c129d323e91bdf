/**
 * Resolves in the check phase of the current event-loop turn: one promise, and so one drain of
 * promise continuations, for every caller of the turn.
 *
 * Why: SOAP calls whose bodies arrive in one poll phase then run together, so that work valid
 * for a whole drain is done once for all of them. Above all that is the committed reader's
 * data-version check (store/committed-reader.ts), a read transaction of three system calls
 * that profiling under load put at 12% of the CPU of GetAccountInfo when each call made its
 * own. The check still comes after the arrival of every request it serves, so the reader's
 * results stay exact. Measured on GetAccountInfo (bench/README.md): CPU per call fell from
 * ~160 to ~89 µs and the kernel's share from ~70 to ~17 µs, since the responses of a batch
 * also leave together and wake the client less often.
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
