import { randomUUID } from 'node:crypto';
import { scheduleRounds } from '../app/scheduleRounds.ts';
import type { Storage } from '../db/storage.ts';
import type { Logger } from '../log.ts';
import { nextRetryDelayMilliseconds } from '../webhooks/retrySchedule.ts';
import { systemWebhookClock, type WebhookClock } from '../webhooks/webhookTypes.ts';
import type { MailTransport } from './createMailTransport.ts';
import type { ClaimedMail } from './mailTypes.ts';
import { renderMail } from './renderMail.ts';

export interface MailWorker {
  /** Claims what is due and sends it; resolves with the number of mails attempted. */
  runOnce(): Promise<number>;
  /** Polls every `intervalMilliseconds` until `stop`. */
  start(): void;
  /** Stops polling and waits for the sends in flight (their results are recorded). */
  stop(): Promise<void>;
}

/** Mails one round claims at most, sent concurrently. */
const claimBatchSize = 10;

/**
 * The mail worker one server instance runs, shaped like the webhook worker
 * (`webhooks/createWebhookWorker.ts`) and on its retry schedule (`webhooks/retrySchedule.ts`: 5 s,
 * 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, jittered; eight attempts, then failed). Each round claims due
 * mail (`claim_mail`, FOR UPDATE SKIP LOCKED: instances never take the same row) for the send timeout
 * plus 30 s, renders it (`renderMail`), hands it to the transport and records the attempt
 * (`record_mail_attempt`). A worker killed mid-send leaves its claims to expire; another then sends
 * the mail (at least once, with the same Message-ID). The clock is injected.
 */
export function createMailWorker(options: {
  storage: Storage;
  log: Logger;
  transport: MailTransport;
  /** MAIL_FROM. */
  from: string;
  /** PUBLIC_URL: where the mails' links point. */
  consoleUrl: string;
  intervalMilliseconds: number;
  sendTimeoutMilliseconds: number;
  clock?: WebhookClock;
  random?: () => number;
}): MailWorker {
  const clock = options.clock ?? systemWebhookClock;
  const claimSeconds = Math.ceil(options.sendTimeoutMilliseconds / 1000) * 3 + 30;
  async function sendAndRecord(mail: ClaimedMail, claimToken: string): Promise<void> {
    let error: string | null = null;
    try {
      const rendered = renderMail({ template: mail.template, data: mail.data, consoleUrl: options.consoleUrl });
      await options.transport.send({ ...rendered, id: mail.id, template: mail.template, from: options.from, to: mail.recipient }, clock.now());
    } catch (failure) {
      error = ((failure as Error).message || String(failure)).slice(0, 500);
    }
    const now = clock.now();
    const delay = error === null ? null : nextRetryDelayMilliseconds(mail.attempts + 1, options.random);
    await options.storage.call('record_mail_attempt', {
      p_mail_id: mail.id,
      p_claim_token: claimToken,
      p_now: now.toISOString(),
      p_succeeded: error === null,
      p_error: error,
      p_next_attempt_at: delay === null ? null : new Date(now.getTime() + delay).toISOString(),
    });
    if (error !== null) {
      options.log.log('warn', 'mail not sent', { mailId: mail.id, template: mail.template, error, retry: delay !== null });
    }
  }

  async function runOnce(): Promise<number> {
    const claimToken = randomUUID();
    const claimed = await options.storage.call<ClaimedMail[]>('claim_mail', {
      p_now: clock.now().toISOString(),
      p_limit: claimBatchSize,
      p_claim_seconds: claimSeconds,
      p_claim_token: claimToken,
    });
    await Promise.all(claimed.map((mail) => sendAndRecord(mail, claimToken)));
    return claimed.length;
  }

  const rounds = scheduleRounds({
    name: 'mail worker',
    clock,
    log: options.log,
    intervalMilliseconds: options.intervalMilliseconds,
    batchSize: claimBatchSize,
    round: runOnce,
  });
  return { runOnce, start: rounds.start, stop: rounds.stop };
}
