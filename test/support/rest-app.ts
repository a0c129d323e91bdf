/**
 * A real AMS (test/support/harness.ts: SQLite, or PostgreSQL with AMS_TEST_HARNESS_ENGINE)
 * listening on a loopback socket, for the JSON API's tests: its origin, the API's base URL and
 * Basic credentials of the seeded partner users.
 */
import { RESELLER_A_SECRET, RESELLER_B_SECRET, PROVIDER_SECRET, listenTestApp, startTestApp, type TestApp, type TestAppOptions } from './harness.js';

export interface RestTestApp {
  readonly t: TestApp;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** `<origin>/api/v1` */
  readonly api: string;
  /** The ASMX endpoint's URL. */
  readonly asmx: string;
  close(): Promise<void>;
}

export const BASIC = {
  provider: `Basic ${Buffer.from(`provider:${PROVIDER_SECRET}`).toString('base64')}`,
  resellerA: `Basic ${Buffer.from(`reseller-a:${RESELLER_A_SECRET}`).toString('base64')}`,
  resellerB: `Basic ${Buffer.from(`reseller-b:${RESELLER_B_SECRET}`).toString('base64')}`,
} as const;

export async function startRestApp(options: TestAppOptions = {}): Promise<RestTestApp> {
  const t = await startTestApp(options);
  const server = await listenTestApp(t);
  const origin = new URL(server.url).origin;
  return {
    t,
    origin,
    api: `${origin}/api/v1`,
    asmx: server.url,
    async close() {
      await server.close();
      await t.close();
    },
  };
}
