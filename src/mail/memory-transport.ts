/** A transport that keeps messages in memory: for tests and for `ams` dry runs. Named as the fake it is. */
import type { MailMessage, MailTransport } from './message.js';

export class MemoryTransport implements MailTransport {
  readonly description = 'memory';
  readonly sent: MailMessage[] = [];
  async send(message: MailMessage): Promise<void> {
    this.sent.push(message);
  }
}
