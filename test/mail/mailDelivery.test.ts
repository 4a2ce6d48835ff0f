import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/log.ts';
import { createMailStore } from '../../server/mail/createMailStore.ts';
import { createMailTransport } from '../../server/mail/createMailTransport.ts';
import { createMailWorker } from '../../server/mail/createMailWorker.ts';
import { mailHtmlStyles } from '../../server/mail/mailHtmlStyles.ts';
import { createManualWebhookClock } from '../support/manualWebhookClock.ts';
import { createSmtpReceiver, freePort, type ReceivedMail, type SmtpReceiver } from '../support/smtpReceiver.ts';
import { startTestTopup, testAdminUserId, testServiceKey, type TestTopup } from '../support/startTestTopup.ts';
import { storageKindsUnderTest } from '../support/testStorage.ts';

const createSession = `mutation ($credits: SafeInt!, $currency: String) {
  createCreditTopUpSession(input: { credits: $credits, currency: $currency }) { sessionId amountMinor currency }
}`;
const topUpQuery = 'query ($id: ID!) { topUp(sessionId: $id) { status creditsGranted } }';

// Every mail goes through nodemailer to a real SMTP server (smtp-server, with a login) that this
// file starts, and is read back with mailparser; purchases are paid through the Stripe sandbox.
describe.each(storageKindsUnderTest())('mail over SMTP on %s', (kind) => {
  let server: TestTopup;
  let smtp: SmtpReceiver;
  const clock = createManualWebhookClock();

  beforeAll(async () => {
    smtp = createSmtpReceiver(await freePort());
    await smtp.start();
    server = await startTestTopup({
      kind,
      mailClock: clock,
      environment: { SMTP_URL: smtp.url, MAIL_FROM: 'Topup Billing <billing@topup.test>', CREDIT_PRICES: 'usd:0.01,eur:0.0095' },
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.stop();
  });

  /** Runs the mail worker until a round finds nothing due (at most ten rounds). */
  async function sendDueMail(): Promise<void> {
    for (let round = 0; round < 10; round += 1) {
      if ((await server.topup.mailWorker.runOnce()) === 0) return;
    }
    throw new Error('mail still due after ten rounds');
  }

  function mailTo(address: string): ReceivedMail[] {
    return smtp.received.filter((mail) => mail.envelopeTo.includes(address));
  }

  async function outboxOf(userId: string): Promise<Array<{ template: string; status: string; attempts: number }>> {
    const rows = await server.database!.query<{ template: string; status: string; attempts: number }>(
      'select template, status, attempts from mail_outbox where user_id = $1 order by id',
      [userId],
    );
    return rows.map((row) => ({ ...row, attempts: Number(row.attempts) }));
  }

  /** A user as after a first sign-in with an email address (the users row then has it). */
  async function userWithEmail(userId: string, email: string): Promise<string> {
    const token = await server.devToken({ userId, email });
    await server.graphql('{ me { id } }', { token });
    return token;
  }

  it('sends one receipt with the credits, amount, currency and session id when both the success page and the webhook settle the purchase', async () => {
    // Proves the receipt is written with the grant, once per purchase: the webhook is lost while the
    // success page's topUp settles, then the same Stripe event is delivered to the webhook route; one mail arrives.
    const token = await userWithEmail('user_mailReceipt', 'receipt@example.com');
    const created = await server.graphql<{ createCreditTopUpSession: { sessionId: string; amountMinor: number; currency: string } }>(createSession, {
      token,
      variables: { credits: 1000, currency: 'eur' },
    });
    expect(created.body.errors).toBeUndefined();
    const { sessionId, amountMinor, currency } = created.body.data!.createCreditTopUpSession;
    expect({ amountMinor, currency }).toEqual({ amountMinor: 950, currency: 'eur' });

    server.topup.stripeSandbox!.setWebhookUrl('http://127.0.0.1:9/unreachable');
    await server.sandbox(`/sandbox/checkout/sessions/${sessionId}/pay`, { outcome: 'paid' });
    const settled = await server.graphql<{ topUp: { status: string; creditsGranted: number } }>(topUpQuery, { token, variables: { id: sessionId } });
    expect(settled.body.data!.topUp).toEqual({ status: 'PAID', creditsGranted: 1000 });
    server.topup.stripeSandbox!.setWebhookUrl(`${server.topup.config.publicUrl}/api/stripe/webhooks`);
    const events = await server.topup.stripe.events.list({ type: 'checkout.session.completed', limit: 100 });
    const completed = events.data.find((event) => (event.data.object as { id: string }).id === sessionId);
    expect(completed).toBeDefined();
    await server.sandbox(`/sandbox/events/${completed!.id}/resend`);
    await server.webhooksDelivered();
    const received = await server.database!.query<{ deliveries: number }>('select deliveries from stripe_events where id = $1', [completed!.id]);
    expect(Number(received[0]?.deliveries)).toBeGreaterThanOrEqual(1);

    await sendDueMail();
    await sendDueMail();
    const mails = mailTo('receipt@example.com');
    expect(mails).toHaveLength(1);
    const { parsed } = mails[0]!;
    expect(parsed.subject).toBe('Receipt: 1,000 credits for €9.50');
    expect(parsed.from?.value).toEqual([{ address: 'billing@topup.test', name: 'Topup Billing' }]);
    expect(parsed.text).toContain('Credits:          1,000');
    expect(parsed.text).toContain('Amount paid:      €9.50');
    expect(parsed.text).toContain(`Checkout session: ${sessionId}`);
    expect(parsed.html).toContain(`<td style="${mailHtmlStyles.factValue}">${sessionId}</td>`);
    expect(parsed.html).toContain('€9.50');
    expect(parsed.text).toMatch(/Paid at: {10}[A-Z][a-z]+ \d{1,2}, \d{4} at \d{1,2}:\d{2} [AP]M UTC/);
    expect(parsed.messageId).toMatch(/^<topup-mail-\d+@topup\.test>$/);
    expect(await outboxOf('user_mailReceipt')).toEqual([{ template: 'purchase_receipt', status: 'sent', attempts: 1 }]);
  });

  it('mails a failed delayed payment once, and nothing while it is pending', async () => {
    // Proves purchase.failed mails the user: async_pending (no mail), then the sandbox fails the payment; one mail with the amount and session.
    const token = await userWithEmail('user_mailDelayed', 'delayed@example.com');
    const created = await server.graphql<{ createCreditTopUpSession: { sessionId: string } }>(createSession, { token, variables: { credits: 300 } });
    const { sessionId } = created.body.data!.createCreditTopUpSession;
    await server.sandbox(`/sandbox/checkout/sessions/${sessionId}/pay`, { outcome: 'async_pending' });
    await server.webhooksDelivered();
    await sendDueMail();
    expect(mailTo('delayed@example.com')).toHaveLength(0);
    await server.sandbox(`/sandbox/checkout/sessions/${sessionId}/async`, { result: 'failed' });
    await server.webhooksDelivered();
    await sendDueMail();
    const mails = mailTo('delayed@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.parsed.subject).toBe('Your payment for 300 credits failed');
    expect(mails[0]!.parsed.text).toContain('The delayed payment of $3.00 for 300 credits did not go through');
    expect(mails[0]!.parsed.text).toContain(sessionId);
    expect(await outboxOf('user_mailDelayed')).toEqual([{ template: 'purchase_failed', status: 'sent', attempts: 1 }]);
  });

  it('mails a low balance once per crossing below the threshold, again only after it was back at or above', async () => {
    // Proves balance_low follows balance.low: 500 -> 50 (mail) -> 40 (none) -> 240 (re-armed) -> 90 (mail), LOW_BALANCE_CREDITS 100.
    await userWithEmail('user_mailLow', 'low@example.com');
    const admin = await server.devToken({ userId: testAdminUserId, role: 'admin' });
    const adjust = (delta: number, key: string) =>
      server.graphql('mutation ($delta: SafeInt!, $key: String!) { adjustCredits(input: { userId: "user_mailLow", delta: $delta, reason: "test", idempotencyKey: $key }) { id } }', {
        token: admin,
        variables: { delta, key },
      });
    const spend = (amount: number, key: string) =>
      server.graphql('mutation ($amount: SafeInt!, $key: String!) { spendCredits(input: { userId: "user_mailLow", amount: $amount, reason: "usage", idempotencyKey: $key }) { id } }', {
        token: testServiceKey,
        variables: { amount, key },
      });
    const steps = [() => adjust(500, 'low:1'), () => spend(450, 'low:2'), () => spend(10, 'low:3'), () => adjust(200, 'low:4'), () => spend(150, 'low:5')];
    for (const step of steps) {
      expect((await step()).body.errors).toBeUndefined();
    }
    await sendDueMail();
    const subjects = mailTo('low@example.com').map((mail) => mail.parsed.subject);
    expect(subjects).toEqual(['Your balance is low: 50 credits left', 'Your balance is low: 90 credits left']);
    expect(mailTo('low@example.com')[0]!.parsed.text).toContain('Your balance has fallen below 100 credits.');
  });

  it('records a mail for a user without an email address as skipped, and sends nothing', async () => {
    // Proves the skipped status: a user signed in without email crosses the threshold; the outbox row says skipped, no SMTP message.
    const token = await server.devToken({ userId: 'user_mailNoAddress' });
    await server.graphql('{ me { id } }', { token });
    const before = smtp.received.length;
    await server.database!.query("select enqueue_webhook_event('balance.low', 'user_mailNoAddress', '{\"balance\": 5, \"thresholdCredits\": 100}')");
    await sendDueMail();
    expect(smtp.received.length).toBe(before);
    expect(await outboxOf('user_mailNoAddress')).toEqual([{ template: 'balance_low', status: 'skipped', attempts: 0 }]);
  });

  it('renders the auto top-up mails with the amount and the escaped reason', async () => {
    // Proves the auto_top_up.failed and auto_top_up.requires_action templates from events inserted as the auto top-up emits them;
    // a reason with markup arrives as text in the HTML part, never as markup.
    await userWithEmail('user_mailAuto', 'auto@example.com');
    await server.database!.query(
      `select enqueue_webhook_event('auto_top_up.failed', 'user_mailAuto', '{"credits": 2500, "amountMinor": 2500, "currency": "usd", "declineCode": "card_declined", "message": "<b>Declined</b> & \\"blocked\\""}'),
              enqueue_webhook_event('auto_top_up.requires_action', 'user_mailAuto', '{"credits": 1000, "amountMinor": 1500, "currency": "jpy"}')`,
    );
    await sendDueMail();
    const [failed, requiresAction] = mailTo('auto@example.com').map((mail) => mail.parsed);
    expect(failed!.subject).toBe('Your automatic top-up failed');
    expect(failed!.text).toContain('We could not charge your saved card $25.00 for 2,500 credits');
    expect(failed!.text).toContain('Reason:  <b>Declined</b> & "blocked"');
    expect(failed!.html).toContain('&#60;b&#62;Declined&#60;/b&#62; &#38; &#34;blocked&#34;');
    expect(failed!.html).not.toContain('<b>Declined');
    expect(requiresAction!.subject).toBe('Confirm your automatic top-up');
    expect(requiresAction!.text).toContain('the payment of ¥1,500 for 1,000 credits');
    expect(requiresAction!.text).toContain(`${server.topup.config.publicUrl}/billing`);
  });

  it('retries a mail the SMTP server could not take, after the backoff, and delivers it once', async () => {
    // Proves retry with backoff: SMTP down -> the attempt fails and is due 5 s (±10%) later; up again, nothing is sent
    // before that time; moving the clock 6 s sends it, once.
    await userWithEmail('user_mailRetry', 'retry@example.com');
    await smtp.stop();
    try {
      await server.database!.query("select enqueue_webhook_event('balance.low', 'user_mailRetry', '{\"balance\": 12, \"thresholdCredits\": 100}')");
      expect(await server.topup.mailWorker.runOnce()).toBe(1);
      const [pending] = await server.database!.query<{ status: string; attempts: number; last_error: string | null }>(
        "select status, attempts, last_error from mail_outbox where user_id = 'user_mailRetry'",
      );
      expect({ status: pending!.status, attempts: Number(pending!.attempts) }).toEqual({ status: 'pending', attempts: 1 });
      expect(pending!.last_error).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      await smtp.start();
    }
    expect(await server.topup.mailWorker.runOnce()).toBe(0);
    expect(mailTo('retry@example.com')).toHaveLength(0);
    clock.advance(6000);
    expect(await server.topup.mailWorker.runOnce()).toBe(1);
    await sendDueMail();
    expect(mailTo('retry@example.com').map((mail) => mail.parsed.subject)).toEqual(['Your balance is low: 12 credits left']);
    expect(await outboxOf('user_mailRetry')).toEqual([{ template: 'balance_low', status: 'sent', attempts: 2 }]);
  });

  it('shares the outbox between two instances\' workers: each mail is sent once', async () => {
    // Proves the SKIP LOCKED claims: 25 due mails, two workers (as two instances would run) claiming concurrently
    // until nothing is due; the SMTP server receives each mail exactly once and every row is sent after one attempt.
    await userWithEmail('user_mailShared', 'shared@example.com');
    await server.database!.query(
      `select enqueue_webhook_event('balance.low', 'user_mailShared', jsonb_build_object('balance', n, 'thresholdCredits', 100)) from generate_series(1, 25) as n`,
    );
    const workers = [0, 1].map(() =>
      createMailWorker({
        storage: server.storage,
        log: createLogger({ level: 'error', write: () => undefined }),
        transport: createMailTransport({ smtpUrl: smtp.url, store: createMailStore({ directory: server.config.dataDirectory }), timeoutMilliseconds: 10_000 }),
        from: 'billing@topup.test',
        consoleUrl: server.topup.config.publicUrl,
        intervalMilliseconds: 0,
        sendTimeoutMilliseconds: 10_000,
        clock,
      }),
    );
    let attempted = 0;
    for (let round = 0; round < 10; round += 1) {
      const counts = await Promise.all(workers.map((worker) => worker.runOnce()));
      attempted += counts[0]! + counts[1]!;
      if (counts.every((count) => count === 0)) break;
    }
    expect(attempted).toBe(25);
    const subjects = mailTo('shared@example.com').map((mail) => mail.parsed.subject);
    expect(subjects).toHaveLength(25);
    expect(new Set(subjects).size).toBe(25);
    const rows = await outboxOf('user_mailShared');
    expect(rows).toHaveLength(25);
    expect(rows.every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true);
  });
});
