/**
 * Account creation, shared by every creating operation (CreateAccountBySize now; the licence
 * key, token and obsolete forms reuse it). The target entity must lie in the caller's tree and
 * be active; the user name is unique case-insensitively, also under concurrent creation (the
 * database decides); the backup server is the least-loaded of the configured pool.
 */
import { failure, success, type Outcome } from '../outcome.js';
import type { Caller, RequestContext } from '../ports.js';
import type { AccountDeps } from './deps.js';

export interface CreateAccountInput {
  /** Already validated by the operation's own rules. */
  readonly username: string;
  readonly password: string;
  /** 0 means the caller's own entity. */
  readonly targetEntityId: number;
  readonly quotaMb: number;
  readonly fullName: string;
  readonly firstName: string;
  readonly email: string;
  readonly isUltraSafe: boolean;
  readonly disableEmailNotifications: boolean;
  readonly licenseKey: string;
  readonly localeCode: string;
}

export async function createAccount(
  deps: AccountDeps,
  caller: Caller,
  input: CreateAccountInput,
  context: RequestContext,
): Promise<Outcome<{ readonly accountId: number }>> {
  const entityId = input.targetEntityId === 0 ? caller.entityId : input.targetEntityId;
  const entity = await deps.uow.entities.findById(entityId);
  if (!entity || !entity.active || !(await deps.uow.entities.isWithinTree(caller.entityId, entityId))) {
    return failure('ObjectEntityMismatch', 'TargetEntityId is not an active entity in your tree.');
  }
  if (await deps.uow.accounts.findByUsername(input.username)) return failure('AlreadyExists');

  const passwordHash = await deps.hasher.hash(input.password);
  const load = await deps.uow.accounts.countByBackupServer(deps.backupServers);
  const backupServer = [...deps.backupServers].sort((a, b) => (load.get(a) ?? 0) - (load.get(b) ?? 0))[0];
  if (backupServer === undefined) throw new Error('no backup server configured');

  return deps.uow.transaction(async (tx) => {
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
      secretQuestion: '',
      secretAnswerHash: '',
      emailNotificationsDisabled: input.disableEmailNotifications,
      customerTypeCode: entity.customerTypeCode,
      signupAt: now,
    });
    if (inserted === 'duplicate') return failure('AlreadyExists');
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
        { event: 'account-created', to: input.email, username: input.username, fullName: input.fullName, localeCode: input.localeCode },
        now,
      );
    }
    return success({ accountId: inserted.id });
  });
}
