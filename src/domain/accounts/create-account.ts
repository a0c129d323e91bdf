/**
 * Account creation, shared by every creating operation (by size, by partner licence key, by
 * token, and the obsolete CreateAccount / CreateUltraSafeAccount). The target entity must lie
 * in the caller's tree and be active (an unknown id is answered the same way, so nobody can
 * probe for other partners' entities); the user name is unique case-insensitively, also under
 * concurrent creation (the database decides); the backup server is the least-loaded of the pool.
 */
import { failure, invalidInput, ok, refusal, success, type Failure, type Outcome, type Result } from '../outcome.js';
import type { Caller, Repositories, RequestContext } from '../ports.js';
import { checkNewUsername, checkOptionalEmail, checkOptionalText, checkPassword } from '../validation.js';
import type { AccountDeps } from './deps.js';

export interface NewAccountFields {
  readonly username: string;
  readonly password: string;
  readonly fullName: string;
  readonly firstName: string;
  readonly email: string;
  readonly licenseKey: string;
  readonly localeCode: string;
  readonly secretQuestion: string;
  readonly secretAnswer: string;
}

export interface CreateAccountInput extends NewAccountFields {
  /** 0 means the caller's own entity. */
  readonly entityId: number;
  /** How the partner named the entity, for the message when it is refused (e.g. `TargetEntityId`). */
  readonly entityField?: string;
  readonly quotaMb: number;
  readonly isUltraSafe: boolean;
  readonly disableEmailNotifications: boolean;
  /** Runs in the creating transaction (e.g. consuming a token); a Failure rolls everything back. */
  readonly alsoInTransaction?: (tx: Repositories, accountId: number, now: Date) => Promise<Failure | undefined>;
}

type Raw = string | null;

/** Validates the fields every creating operation shares; `names` are the fields as the partner sent them. */
export function checkNewAccountFields(
  deps: Pick<AccountDeps, 'passwordPolicy'>,
  raw: { username: Raw; password: Raw; fullName?: Raw; firstName?: Raw; email: Raw; licenseKey?: Raw; localeCode?: Raw; secretQuestion?: Raw; secretAnswer?: Raw },
  names: { username: string; password: string; fullName?: string; firstName?: string; email: string; licenseKey?: string; localeCode?: string; secretQuestion?: string; secretAnswer?: string },
): Result<NewAccountFields> {
  const username = checkNewUsername(names.username, raw.username);
  if (!username.ok) return username;
  const password = checkPassword(names.password, raw.password, deps.passwordPolicy);
  if (!password.ok) return password;
  const email = checkOptionalEmail(names.email, raw.email);
  if (!email.ok) return email;
  const text = (value: Raw | undefined, name: string | undefined, max: number) => checkOptionalText(name ?? '', value ?? null, max);
  const checks = {
    fullName: text(raw.fullName ?? raw.firstName, names.fullName ?? names.firstName, 200),
    firstName: text(raw.firstName ?? raw.fullName?.split(' ')[0], names.firstName ?? names.fullName, 200),
    licenseKey: text(raw.licenseKey, names.licenseKey, 100),
    localeCode: text(raw.localeCode, names.localeCode, 20),
    secretQuestion: text(raw.secretQuestion, names.secretQuestion, 500),
    secretAnswer: text(raw.secretAnswer, names.secretAnswer, 500),
  };
  const values: Record<string, string> = {};
  for (const [key, checked] of Object.entries(checks)) {
    if (!checked.ok) return checked;
    values[key] = checked.value;
  }
  if (values.localeCode && !/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(values.localeCode)) {
    return refusal(invalidInput(`${names.localeCode ?? 'localeCode'} is not a locale code such as en-US.`));
  }
  return ok({
    username: username.value,
    password: password.value,
    email: email.value,
    fullName: values.fullName ?? '',
    firstName: values.firstName ?? '',
    licenseKey: values.licenseKey ?? '',
    localeCode: values.localeCode ?? '',
    secretQuestion: values.secretQuestion ?? '',
    secretAnswer: values.secretAnswer ?? '',
  });
}

/** Thrown inside the transaction to roll it back with a business outcome. */
class RollbackWith extends Error {
  constructor(readonly outcome: Failure) {
    super(outcome.code);
  }
}

export async function createAccount(
  deps: AccountDeps,
  caller: Caller,
  input: CreateAccountInput,
  context: RequestContext,
): Promise<Outcome<{ readonly accountId: number }>> {
  const entityId = input.entityId === 0 ? caller.entityId : input.entityId;
  const entity = await deps.uow.entities.findById(entityId);
  if (!entity || !entity.active || !(await deps.uow.entities.isWithinTree(caller.entityId, entityId))) {
    return failure('ObjectEntityMismatch', `${input.entityField ?? 'The target entity'} is not an active entity in your tree.`);
  }
  if (await deps.uow.accounts.findByUsername(input.username)) return failure('AlreadyExists');

  const passwordHash = await deps.hasher.hash(input.password);
  const secretAnswerHash = input.secretAnswer === '' ? '' : await deps.hasher.hash(input.secretAnswer.trim().toLowerCase());
  const backupServer = await deps.backupServers.choose();

  try {
    const outcome = await deps.uow.transaction(async (tx) => {
      const now = deps.clock.now();
      const inserted = await tx.accounts.insert({
        username: input.username,
        passwordHash,
        fullName: input.fullName,
        firstName: input.firstName,
        email: input.email,
        entityId,
        quotaMb: input.quotaMb,
        isUltraSafe: input.isUltraSafe,
        backupServer,
        licenseKey: input.licenseKey,
        localeCode: input.localeCode,
        secretQuestion: input.secretQuestion,
        secretAnswerHash,
        emailNotificationsDisabled: input.disableEmailNotifications,
        customerTypeCode: entity.customerTypeCode,
        signupAt: now,
      });
      if (inserted === 'duplicate') return failure('AlreadyExists');
      const refused = await input.alsoInTransaction?.(tx, inserted.id, now);
      if (refused) throw new RollbackWith(refused);
      const notify = !input.disableEmailNotifications && input.email !== '';
      await tx.audit.record({
        at: now,
        context,
        caller,
        accountId: inserted.id,
        accountUsername: input.username,
        outcome: 'Success',
        detail: { entityId, quotaMb: input.quotaMb, isUltraSafe: input.isUltraSafe, notified: notify, backupServer },
      });
      if (notify) {
        await tx.outbox.enqueue(
          { event: 'account-created', entityId, to: input.email, username: input.username, fullName: input.fullName, localeCode: input.localeCode },
          now,
        );
      }
      return success({ accountId: inserted.id });
    });
    if (outcome.ok) deps.backupServers.placed(backupServer);
    return outcome;
  } catch (err) {
    if (err instanceof RollbackWith) return err.outcome;
    throw err;
  }
}
