/**
 * The embedded default: each message becomes an RFC 5322 `.eml` file in a folder, written to a
 * temporary name (a dot file, which pickup services skip), flushed to disk and renamed, so a
 * reader never sees half a message and a message marked sent survives a power cut. A mail
 * server's pickup service, or a person, can take them from there.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { MailDeliveryError, nodemailerFields, type MailMessage, type MailTransport } from './message.js';

/** `<uuid@ams.invalid>` → `uuid@ams.invalid.eml`: a resend after a crash overwrites, never duplicates. */
export function pickupFileName(messageId: string): string {
  return `${messageId.replace(/[^A-Za-z0-9@.-]/g, '').replace(/^\.+/, '')}.eml`;
}

export function pickupFolderTransport(folder: string): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    description: `pickup folder ${folder}`,
    async send(m: MailMessage) {
      const final = path.join(folder, pickupFileName(m.messageId));
      const temp = path.join(folder, `.${pickupFileName(m.messageId)}.${process.pid}.tmp`);
      try {
        const info = await composer.sendMail(nodemailerFields(m));
        const raw = info.message as unknown as Buffer;
        await fs.mkdir(folder, { recursive: true });
        const file = await fs.open(temp, 'w', 0o640);
        try {
          await file.writeFile(raw);
          await file.sync();
        } finally {
          await file.close();
        }
        await fs.rename(temp, final);
        await syncFolder(folder);
      } catch (err) {
        await fs.rm(temp, { force: true }).catch(() => undefined);
        throw new MailDeliveryError(err instanceof Error ? err.message : String(err), false);
      }
    },
  };
}

/** Makes the rename itself durable. Not every platform can fsync a directory; that is not an error. */
async function syncFolder(folder: string): Promise<void> {
  let dir: fs.FileHandle | undefined;
  try {
    dir = await fs.open(folder, 'r');
    await dir.sync();
  } catch {
    // e.g. Windows: directories cannot be opened for fsync
  } finally {
    await dir?.close();
  }
}
