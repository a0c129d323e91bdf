/**
 * A real SMTP server in the test process (smtp-server), keeping every message it accepts as raw
 * bytes and as parsed by mailparser, with the envelope and how the session was secured.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMail {
  readonly raw: string;
  readonly parsed: ParsedMail;
  readonly from: string;
  readonly rcpt: readonly string[];
  /** The user name the client authenticated as, if it did. */
  readonly user: string | undefined;
  /** TLS on this session (smtps or after STARTTLS). */
  readonly secure: boolean;
}

export interface SinkOptions {
  readonly port?: number;
  /** Require AUTH with these credentials, offering these methods. */
  readonly auth?: { readonly user: string; readonly password: string; readonly methods: readonly ('PLAIN' | 'LOGIN')[] };
  /** Certificate and key: STARTTLS is offered (or, with `secure`, TLS from the start). */
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly secure?: boolean;
  /** Answer RCPT TO with this error (e.g. 550) for matching addresses. */
  readonly rejectRecipient?: (address: string) => { code: number; message: string } | undefined;
  /** Read the message, then never answer the end of DATA: a server that hangs mid-send. */
  readonly hangAfterData?: boolean;
  /** Greet a new connection with this error (e.g. 421 "try later") instead of 220, while it returns one. */
  readonly rejectConnection?: () => { code: number; message: string } | undefined;
}

export interface SmtpSink {
  readonly port: number;
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Messages whose DATA arrived but were never answered (`hangAfterData`). */
  readonly unanswered: ReceivedMail[];
  /** AUTH attempts, accepted or not. */
  readonly authAttempts: { readonly method: string; readonly user: string; readonly ok: boolean }[];
  /** Connections accepted (greeted, whatever came next). */
  readonly connections: () => number;
  close(): Promise<void>;
}

export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const unanswered: ReceivedMail[] = [];
  const authAttempts: { method: string; user: string; ok: boolean }[] = [];
  let connections = 0;
  const auth = options.auth;
  const config: SMTPServerOptions = {
    logger: false,
    // No reverse DNS per connection: in a sandbox without DNS each lookup waits for its timeout.
    disableReverseLookup: true,
    // Sessions still open (a hung DATA) are cut 0.2 s after close(), not 30 s.
    closeTimeout: 200,
    secure: options.secure ?? false,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : { disabledCommands: ['STARTTLS'] }),
    ...(auth
      ? {
          authMethods: [...auth.methods],
          authOptional: false,
          // A plain-text test sink; the STARTTLS tests show credentials going over TLS.
          allowInsecureAuth: !options.tls,
          onAuth(attempt, _session, callback) {
            const ok = attempt.username === auth.user && attempt.password === auth.password;
            authAttempts.push({ method: attempt.method, user: attempt.username ?? '', ok });
            if (ok) callback(null, { user: attempt.username });
            else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
          },
        }
      : { authOptional: true }),
    onConnect(_session, callback) {
      connections++;
      const rejection = options.rejectConnection?.();
      if (rejection) callback(Object.assign(new Error(rejection.message), { responseCode: rejection.code }));
      else callback();
    },
    onRcptTo(address, _session, callback) {
      const rejection = options.rejectRecipient?.(address.address);
      if (rejection) callback(Object.assign(new Error(rejection.message), { responseCode: rejection.code }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        void simpleParser(raw).then((parsed) => {
          const mail: ReceivedMail = {
            raw,
            parsed,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcpt: session.envelope.rcptTo.map((r) => r.address),
            user: typeof session.user === 'string' ? session.user : undefined,
            secure: session.secure,
          };
          if (options.hangAfterData) unanswered.push(mail);
          else {
            received.push(mail);
            callback();
          }
        });
      });
    },
  };
  const server = new SMTPServer(config);
  server.on('error', () => undefined); // a client that goes away mid-session is not a test failure
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `${options.secure ? 'smtps' : 'smtp'}://127.0.0.1:${port}`,
    received,
    unanswered,
    authAttempts,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on (for "the SMTP server is down"). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
