import net from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** The SMTP envelope's recipients (RCPT TO). */
  envelopeTo: string[];
  /** The message as mailparser reads it: subject, text, html, headers, messageId. */
  parsed: ParsedMail;
}

export interface SmtpReceiver {
  port: number;
  /** `smtp://user:password@127.0.0.1:<port>`: what SMTP_URL names to reach it. */
  url: string;
  received: ReceivedMail[];
  /** Starts answering on `port` (again, after `stop`). */
  start(): Promise<void>;
  /** Stops answering: connections are refused until `start`. */
  stop(): Promise<void>;
}

/** A TCP port nobody listens on now (found by listening on port 0 and closing). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 that requires the login in its `url`
 * (plain AUTH; no STARTTLS, so nodemailer talks to it unencrypted) and parses every message it
 * accepts with `mailparser`. Not started until `start`, so a test can name its URL while it is down.
 */
export function createSmtpReceiver(port: number): SmtpReceiver {
  const user = 'topup';
  const password = 'smtp-test-password';
  const received: ReceivedMail[] = [];
  let server: SMTPServer | null = null;
  return {
    port,
    url: `smtp://${user}:${password}@127.0.0.1:${port}`,
    received,
    async start() {
      const smtp = new SMTPServer({
        logger: false,
        disabledCommands: ['STARTTLS'],
        allowInsecureAuth: true,
        onAuth(auth, _session, callback) {
          if (auth.username === user && auth.password === password) callback(null, { user });
          else callback(new Error('Invalid username or password'));
        },
        onData(stream, session, callback) {
          simpleParser(stream)
            .then((parsed) => {
              received.push({ envelopeTo: session.envelope.rcptTo.map((recipient) => recipient.address), parsed });
              callback();
            })
            .catch((error: Error) => callback(error));
        },
      });
      await new Promise<void>((resolve, reject) => {
        smtp.once('error', reject);
        smtp.listen(port, '127.0.0.1', () => resolve());
      });
      server = smtp;
    },
    async stop() {
      const smtp = server;
      server = null;
      if (smtp) await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
