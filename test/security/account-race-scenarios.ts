/**
 * Issue 14, account side: the two races, as scenarios over real HTTP that run against one
 * service (the harness, on SQLite or PostgreSQL) or several instances sharing one PostgreSQL
 * database. Requests are spread round-robin over the targets; no sleeps: interleavings are
 * varied by starting the password change after a varying number of token answers arrived.
 */
import { soap, type HttpCallResult } from '../scale/cluster.js';
import type { Credentials } from '../support/envelope.js';

export interface Target {
  readonly base: string;
}

const tally = (results: readonly HttpCallResult[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.code ?? `fault:${r.faultCode ?? r.status}`] = (counts[r.code ?? `fault:${r.faultCode ?? r.status}`] ?? 0) + 1;
  return counts;
};

export interface TokenRaceReport {
  readonly tries: number;
  /** Tokens answered Success while their password was being changed. */
  readonly issued: number;
  /** Of those, answered after the change answered Success. */
  readonly issuedAfterChange: number;
  /** Tokens bought with the old password that still validated or redeemed after the change: must be 0. */
  readonly staleUsable: number;
  readonly codes: Record<string, number>;
}

/**
 * `tries` rounds of: 5 GetAuthenticationToken and 3 GetAuthorizationToken with the current
 * password, and one password change (ChangeBackupAccountPassword, or the holder's own
 * ChangeAccountPassword on odd rounds) started once `round % 5` of the token answers are in.
 * After the change has answered Success, every token of the round is tried on every target.
 */
export async function tokenRace(
  targets: readonly Target[],
  username: string,
  firstPassword: string,
  tries: number,
  auth?: Credentials,
): Promise<TokenRaceReport> {
  let password = firstPassword;
  let issued = 0;
  let issuedAfterChange = 0;
  let staleUsable = 0;
  const all: HttpCallResult[] = [];
  const on = (i: number): Target => targets[i % targets.length]!;
  for (let round = 0; round < tries; round++) {
    const next = `race-${username}-${round + 1}-password`;
    let changeAnsweredAt = Number.POSITIVE_INFINITY;
    const answeredAt = new Map<HttpCallResult, number>();
    const stamp = async (p: Promise<HttpCallResult>) => {
      const r = await p;
      answeredAt.set(r, performance.now());
      return r;
    };
    const authn = Array.from({ length: 5 }, (_, i) => stamp(soap(on(round + i), 'GetAuthenticationToken', { Username: username, Password: password }, auth)));
    const authz = Array.from({ length: 3 }, (_, i) => stamp(soap(on(round + i + 1), 'GetAuthorizationToken', { Username: username, Password: password }, auth)));
    const tokens = [...authn, ...authz];
    // Start the change once `round % 5` token answers have arrived (0: at once).
    const waitFor = round % 5;
    let arrived = 0;
    await new Promise<void>((resolve) => {
      if (waitFor === 0) return resolve();
      for (const t of tokens) void t.then(() => ++arrived === waitFor && resolve());
    });
    const change =
      round % 2 === 0
        ? soap(on(round), 'ChangeBackupAccountPassword', { Username: username, NewPassword: next, SendEmailToCustomer: false }, auth)
        : soap(on(round), 'ChangeAccountPassword', { userName: username, password, newPassword: next }, auth);
    const changed = await change;
    changeAnsweredAt = performance.now();
    if (changed.code !== 'Success') throw new Error(`round ${round}: the password change answered ${changed.code ?? changed.faultCode ?? changed.status}`);
    const authnAnswers = await Promise.all(authn);
    const authzAnswers = await Promise.all(authz);
    all.push(...authnAnswers, ...authzAnswers);
    for (const [answers, op, element] of [
      [authnAnswers, 'ValidateAuthenticationToken', 'Token'],
      [authzAnswers, 'RedeemAuthorizationToken', 'AuthToken'],
    ] as const) {
      for (const answer of answers) {
        const token = answer.text(element);
        if (answer.code !== 'Success' || !token) continue;
        issued++;
        if ((answeredAt.get(answer) ?? 0) > changeAnsweredAt) issuedAfterChange++;
        for (const target of targets) {
          const used = await soap(target, op, { Token: token }, auth);
          if (used.code !== 'InvalidToken') staleUsable++;
        }
      }
    }
    password = next;
  }
  return { tries, issued, issuedAfterChange, staleUsable, codes: tally(all) };
}

export interface BurstReport {
  readonly codes: Record<string, number>;
  /** What the next wrong password, and then the right one, were answered on each target. */
  readonly afterwards: readonly string[];
}

/** `count` wrong passwords for one account at once, spread over the targets; then one more wrong and the right one on each. */
export async function wrongPasswordBurst(targets: readonly Target[], username: string, rightPassword: string, count: number, auth?: Credentials): Promise<BurstReport> {
  const burst = await Promise.all(
    Array.from({ length: count }, (_, i) => soap(targets[i % targets.length]!, 'Authenticate', { userName: username, password: `wrong-password-${i}` }, auth)),
  );
  const afterwards: string[] = [];
  for (const target of targets) {
    afterwards.push((await soap(target, 'Authenticate', { userName: username, password: 'wrong-password-again' }, auth)).code ?? 'fault');
    afterwards.push((await soap(target, 'Authenticate', { userName: username, password: rightPassword }, auth)).code ?? 'fault');
  }
  return { codes: tally(burst), afterwards };
}
