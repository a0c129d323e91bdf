/**
 * The first successful sign-in with a legacy hash replaces it by Argon2id (issue 18): the new
 * hash, the import ledger's copy of it and the audit entry "hash upgraded from FORMAT" are
 * written in one transaction. The replacement is a compare-and-set on the old value, so two
 * sign-ins racing each other upgrade once, and a password changed meanwhile is never
 * overwritten. A failure here is not the caller's failure: the password was right, the hash
 * stays legacy and the next sign-in tries again.
 */
import type { PasswordHasher, UnitOfWork } from '../ports.js';
import { legacyFormatOf } from './legacy-hash.js';

export interface HashUpgradeDeps {
  readonly uow: UnitOfWork;
  readonly hasher: PasswordHasher;
  readonly clock: { now(): Date };
}

export interface UpgradeTarget {
  readonly kind: 'account' | 'partner-user';
  readonly id: number;
  readonly username: string;
  readonly entityId: number;
  readonly storedHash: string;
}

/** Whether an upgrade was written (false: not legacy, or another sign-in or a reset came first). */
export async function upgradeLegacyHash(deps: HashUpgradeDeps, target: UpgradeTarget, password: string): Promise<boolean> {
  const format = legacyFormatOf(target.storedHash);
  if (format === undefined) return false;
  const upgraded = await deps.hasher.hash(password);
  const at = deps.clock.now();
  return deps.uow.transaction(async (tx) => {
    const replaced =
      target.kind === 'account'
        ? await tx.hashUpgrades.replaceAccountHash(target.id, target.storedHash, upgraded, at)
        : await tx.hashUpgrades.replacePartnerSecret(target.id, target.storedHash, upgraded, at);
    if (!replaced) return false;
    await tx.audit.record({
      at,
      // Sign-ins reach this point from several operations; the entry names the signed-in party.
      context: { requestId: '', sourceAddress: '', operation: 'SignIn' },
      caller: { userId: target.kind === 'partner-user' ? target.id : 0, username: target.kind === 'partner-user' ? target.username : '', entityId: target.entityId },
      accountId: target.kind === 'account' ? target.id : null,
      accountUsername: target.kind === 'account' ? target.username : '',
      outcome: `hash upgraded from ${format}`,
      detail: { from: format, to: 'argon2id', kind: target.kind },
    });
    return true;
  });
}
