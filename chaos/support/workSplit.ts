import fs from 'node:fs';
import type { EndpointLog } from './appReceiver.ts';

/** What one instance's background jobs did, read from its log (every incarnation: a restarted instance appends). */
export interface InstanceWork {
  name: string;
  webhookAttempts: number;
  webhookSucceeded: number;
  autoTopUpPayments: number;
  expirySweeps: number;
  usersExpired: number;
  holdsExpired: number;
  reconcileRuns: number;
  reconcileApplied: number;
}

export interface WorkSplit {
  instances: InstanceWork[];
  /** Idempotency keys paid more than once (by any instance): each must be a claim that expired after a kill, a PostgreSQL restart or a transient failure. */
  autoTopUpKeysRepeated: number;
  autoTopUpKeysRepeatedUnexplained: string[];
  /** webhook-ids the default endpoint acknowledged more than once, and those no fault nor a late answer explains. */
  redelivered: number;
  redeliveredUnexplained: string[];
}

/** A fault's window: a kill (start = end) or PostgreSQL down (start .. end), in epoch milliseconds. */
export interface FaultWindow {
  start: number;
  end: number;
}

/** Slack around a fault: an answer given that long before it may not have been recorded yet (batched records, a loaded machine). */
const faultSlackMilliseconds = 15_000;

/**
 * Reads each instance's JSON log for its jobs' lines ('webhook attempts recorded', 'auto top-up
 * attempt paid', 'expiry sweep', 'reconcile'), and classifies the repeats: an auto top-up key paid
 * twice or an event acknowledged twice is explained only when its first time falls within a
 * fault's window (a kill, PostgreSQL down; with slack before it), or, for an event, when the first
 * acknowledgement came after the sender's timeout (the instance never saw it).
 */
export function readWorkSplit(options: { logs: { name: string; file: string }[]; faults: FaultWindow[]; flaky: EndpointLog }): WorkSplit {
  const inFault = (time: number) => options.faults.some((fault) => time >= fault.start - faultSlackMilliseconds && time <= fault.end + 1000);
  const keyTimes = new Map<string, number[]>();
  const instances = options.logs.map(({ name, file }) => {
    const work: InstanceWork = { name, webhookAttempts: 0, webhookSucceeded: 0, autoTopUpPayments: 0, expirySweeps: 0, usersExpired: 0, holdsExpired: 0, reconcileRuns: 0, reconcileApplied: 0 };
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      switch (entry.message) {
        case 'webhook attempts recorded':
          work.webhookAttempts += Number(entry.attempts);
          work.webhookSucceeded += Number(entry.succeeded);
          break;
        case 'auto top-up attempt paid': {
          work.autoTopUpPayments += 1;
          const key = String(entry.idempotencyKey);
          keyTimes.set(key, [...(keyTimes.get(key) ?? []), Date.parse(String(entry.time))]);
          break;
        }
        case 'expiry sweep':
          work.expirySweeps += 1;
          work.usersExpired += Number(entry.usersExpired);
          work.holdsExpired += Number(entry.holdsExpired);
          break;
        case 'reconcile':
          work.reconcileRuns += 1;
          work.reconcileApplied += Number(entry.eventsApplied);
          break;
      }
    }
    return work;
  });
  const repeatedKeys = [...keyTimes].filter(([, times]) => times.length > 1);
  // A key paid again: the first payment's result was not recorded (its claim expired after 120 s), or Stripe was unreachable (retried after 30 s).
  const autoTopUpKeysRepeatedUnexplained = repeatedKeys
    .filter(([, times]) => !inFault(Math.min(...times)) && Math.max(...times) - Math.min(...times) < 25_000)
    .map(([key]) => key);
  const redeliveredEntries = [...options.flaky.acknowledged].filter(([, entry]) => entry.times > 1);
  const redeliveredUnexplained = redeliveredEntries.filter(([, entry]) => !entry.at[0]!.late && !inFault(entry.at[0]!.time)).map(([id]) => id);
  return {
    instances,
    autoTopUpKeysRepeated: repeatedKeys.length,
    autoTopUpKeysRepeatedUnexplained,
    redelivered: redeliveredEntries.length,
    redeliveredUnexplained,
  };
}
