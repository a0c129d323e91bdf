/**
 * The one wait of the test suite: polls `condition` until it holds, or fails naming `what`.
 * For states another process or a background worker reaches (a delivery, a log line, a listening
 * server), which no event of ours announces; where an event exists, await it instead.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
