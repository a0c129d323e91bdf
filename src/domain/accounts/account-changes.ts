/**
 * The account changes other than the partner password reset, each a small description for
 * `changeAccount`: what is validated, what is refused, what is written and who is told.
 */
import { failure, invalidInput, ok, refusal, type Outcome, type Result } from '../outcome.js';
import type { Caller, RequestContext } from '../ports.js';
import { checkOptionalEmail, checkOptionalText, checkPassword, checkPositiveSize, checkUsername } from '../validation.js';
import { checkAccountPassword } from './account-password.js';
import { refuseCancelled } from './change-backup-account-password.js';
import { changeAccount, noticeTo, revokeAllTokens, type ChangeEffects } from './change-account.js';
import type { AccountDeps } from './deps.js';

type Fields<K extends string> = Readonly<Record<K, string>>;
const nothingToPrepare = async (): Promise<Result<null>> => ok(null);

/** ChangeAccountPassword: the customer proves the old password; allowed for UltraSafe; always notified. */
export async function changeAccountPassword(
  deps: AccountDeps,
  caller: Caller,
  input: { username: string | null; password: string | null; newPassword: string | null },
  names: Fields<'username' | 'password' | 'newPassword'>,
  context: RequestContext,
): Promise<Outcome> {
  const username = checkUsername(names.username, input.username);
  if (!username.ok) return username.failure;
  if (!input.password) return invalidInput(`${names.password} is required.`);
  const newPassword = checkPassword(names.newPassword, input.newPassword, deps.passwordPolicy);
  if (!newPassword.ok) return newPassword.failure;
  const oldPassword = input.password;
  return changeAccount(deps, caller, username.value, context, {
    refuse: refuseCancelled,
    async prepare(account) {
      const checked = await checkAccountPassword(deps, account, oldPassword);
      if (!checked.ok) return checked;
      return ok({ passwordHash: await deps.hasher.hash(newPassword.value), provenGeneration: checked.value.credentialGeneration });
    },
    async apply(tx, account, { passwordHash, provenGeneration }, now) {
      // Compare-and-set: the old password proven must still be the account's when the new one is stored.
      if (!(await tx.accounts.setPassword(account.id, passwordHash, now, provenGeneration))) return refusal(failure('InvalidAccountCredentials'));
      const revoked = await revokeAllTokens(tx, account.id, now);
      return ok({ detail: { byAccountHolder: true, tokensRevoked: revoked }, notifications: noticeTo(account, 'password-changed') });
    },
  });
}

/**
 * A new e-mail address. ChangeAccountEmail (obsolete) proves the account password and always
 * notifies; ChangeBackupAccountEmail is the partner's call and notifies when asked. The notice
 * goes to the new address.
 */
export async function changeAccountEmail(
  deps: AccountDeps,
  caller: Caller,
  input: { username: string | null; email: string | null; password?: string | null; notify: boolean },
  names: Fields<'username' | 'email'> & { password?: string },
  context: RequestContext,
): Promise<Outcome> {
  const username = checkUsername(names.username, input.username);
  if (!username.ok) return username.failure;
  if (names.password !== undefined && !input.password) return invalidInput(`${names.password} is required.`);
  if (!input.email) return invalidInput(`${names.email} is required.`);
  const email = checkOptionalEmail(names.email, input.email);
  if (!email.ok) return email.failure;
  const password = input.password;
  return changeAccount(deps, caller, username.value, context, {
    refuse: refuseCancelled,
    async prepare(account) {
      if (!password) return ok(null);
      const checked = await checkAccountPassword(deps, account, password);
      return checked.ok ? ok(checked.value.credentialGeneration) : checked;
    },
    async apply(tx, account, provenGeneration, now) {
      // The address change rests on the password proven: not if that password was replaced meanwhile.
      if (provenGeneration !== null && provenGeneration !== account.credentialGeneration) return refusal(failure('InvalidAccountCredentials'));
      await tx.accounts.update(account.id, { email: email.value }, now);
      return ok({
        detail: { notified: input.notify, byAccountHolder: password !== undefined && password !== null },
        notifications: input.notify ? noticeTo(account, 'email-changed', email.value) : [],
      });
    },
  });
}

export async function changeAccountLicenseKey(
  deps: AccountDeps,
  caller: Caller,
  input: { username: string | null; licenseKey: string | null },
  names: Fields<'username' | 'licenseKey'>,
  context: RequestContext,
): Promise<Outcome> {
  const username = checkUsername(names.username, input.username);
  if (!username.ok) return username.failure;
  if (input.licenseKey === null) return invalidInput(`${names.licenseKey} is required.`);
  const licenseKey = checkOptionalText(names.licenseKey, input.licenseKey.trim(), 100);
  if (!licenseKey.ok) return licenseKey.failure;
  return changeAccount(deps, caller, username.value, context, {
    refuse: refuseCancelled,
    prepare: nothingToPrepare,
    async apply(tx, account, _p, now) {
      await tx.accounts.update(account.id, { licenseKey: licenseKey.value }, now);
      return ok({ detail: { licenseKeyChanged: true } });
    },
  });
}

export async function changeAccountSize(
  deps: AccountDeps,
  caller: Caller,
  input: { username: string | null; sizeInMb: bigint },
  names: Fields<'username' | 'sizeInMb'>,
  context: RequestContext,
): Promise<Outcome> {
  const username = checkUsername(names.username, input.username);
  if (!username.ok) return username.failure;
  const size = checkPositiveSize(names.sizeInMb, input.sizeInMb);
  if (!size.ok) return size.failure;
  return changeAccount(deps, caller, username.value, context, {
    refuse: refuseCancelled,
    prepare: nothingToPrepare,
    async apply(tx, account, _p, now) {
      await tx.accounts.update(account.id, { quotaMb: size.value }, now);
      return ok({ detail: { fromMb: account.quotaMb, toMb: size.value } });
    },
  });
}

/** CancelAccount: idempotent; the customer is told once, on the first cancellation. */
export async function cancelAccount(
  deps: AccountDeps,
  caller: Caller,
  input: { username: string | null },
  names: Fields<'username'>,
  context: RequestContext,
): Promise<Outcome> {
  const username = checkUsername(names.username, input.username);
  if (!username.ok) return username.failure;
  return changeAccount(deps, caller, username.value, context, {
    prepare: nothingToPrepare,
    async apply(tx, account, _p, now): Promise<Result<ChangeEffects>> {
      if (account.status === 'Cancelled') return ok({ detail: { alreadyCancelled: true } });
      await tx.accounts.update(account.id, { status: 'Cancelled', cancelledAt: now }, now);
      await revokeAllTokens(tx, account.id, now);
      return ok({ detail: { fromStatus: account.status }, notifications: noticeTo(account, 'account-cancelled') });
    },
  });
}

