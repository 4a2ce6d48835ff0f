import type { StormTarget } from './deliveryStorm.ts';

/**
 * The app's backend under the same faults as the webhooks: promotional grants (expiring in a day,
 * expiring within seconds, never), spends, holds (reserved, then captured in part or whole,
 * released, or left to expire) and batch spends, sent over GraphQL with a service key to a random
 * instance. A request that gets no definitive answer (a refused or reset connection, a 5xx, a
 * GraphQL error without a domain code) is retried with the same idempotency key and the same input
 * until it gets one, so the record below is what Topup decided, exactly once: the final-state check
 * compares the database with it.
 */

export interface CreditMovementRecord {
  operation: 'promotion' | 'promotion-expiring' | 'promotion-never' | 'spend' | 'batch-spend' | 'capture';
  userId: string;
  idempotencyKey: string;
  /** The entry's delta when Topup made one; null when it refused (INSUFFICIENT_CREDITS, HOLD_NOT_ACTIVE) or made none. */
  delta: number | null;
  /** The refusal's code, when refused. */
  refusedWith: string | null;
}

export interface HoldRecord {
  holdId: string;
  userId: string;
  amount: number;
  expiresInSeconds: number;
  /** What the driver did next, and what Topup answered. */
  ending: 'captured' | 'released' | 'left to expire' | 'capture refused' | 'release refused';
  capturedCredits: number | null;
}

export interface CreditStormReport {
  requests: number;
  attempts: number;
  failedAttempts: number;
  /** Operations that had no definitive answer by the deadline. */
  undetermined: number;
  /** Answers no correct server gives the driver's input (IDEMPOTENCY_CONFLICT, BAD_USER_INPUT...). */
  unexpected: string[];
  movements: CreditMovementRecord[];
  holds: HoldRecord[];
  counts: Record<string, number>;
}

type Answer = { kind: 'data'; data: Record<string, unknown> } | { kind: 'refused'; code: string; message: string };

const definitiveCodes = new Set(['INSUFFICIENT_CREDITS', 'HOLD_NOT_ACTIVE', 'IDEMPOTENCY_CONFLICT', 'BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED']);
const refusalsExpected = new Set(['INSUFFICIENT_CREDITS', 'HOLD_NOT_ACTIVE']);

const entryFields = 'id userId delta';
const holdFields = 'id userId amount status expiresAt capturedCredits';
const mutations = {
  promotion: `mutation ($input: GrantPromotionalCreditsInput!) { grantPromotionalCredits(input: $input) { ${entryFields} } }`,
  spend: `mutation ($input: SpendCreditsInput!) { spendCredits(input: $input) { ${entryFields} } }`,
  batch: `mutation ($input: SpendCreditsBatchInput!) { spendCreditsBatch(input: $input) { idempotencyKey entry { ${entryFields} } error { code message } } }`,
  reserve: `mutation ($input: ReserveCreditsInput!) { reserveCredits(input: $input) { ${holdFields} } }`,
  capture: `mutation ($input: CaptureCreditsInput!) { captureCredits(input: $input) { ${holdFields} } }`,
  release: `mutation ($input: ReleaseCreditsInput!) { releaseCredits(input: $input) { ${holdFields} } }`,
};

export async function runCreditStorm(options: {
  targets: StormTarget[];
  serviceKey: string;
  userIds: string[];
  random: () => number;
  concurrency: number;
  /** No new operation starts after this resolves (the webhook storm is over); those under way finish. */
  stopStarting: Promise<void>;
  deadline: number;
}): Promise<CreditStormReport> {
  const { random } = options;
  const report: CreditStormReport = { requests: 0, attempts: 0, failedAttempts: 0, undetermined: 0, unexpected: [], movements: [], holds: [], counts: {} };
  let starting = true;
  void options.stopStarting.then(() => {
    starting = false;
  });
  let sequence = 0;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const count = (name: string) => {
    report.counts[name] = (report.counts[name] ?? 0) + 1;
  };

  /** One operation's request, retried with the same input until Topup answers it definitively (or the deadline). */
  const send = async (query: string, input: Record<string, unknown>, alsoExpected: (code: string) => boolean = () => false): Promise<Answer | null> => {
    report.requests += 1;
    for (let attempt = 0; Date.now() < options.deadline; attempt += 1) {
      report.attempts += 1;
      const answer = await attemptOnce(pick(options.targets).url(), options.serviceKey, query, input);
      if (answer) {
        if (answer.kind === 'refused' && !refusalsExpected.has(answer.code) && !alsoExpected(answer.code)) report.unexpected.push(`${answer.code}: ${answer.message} for ${JSON.stringify(input)}`);
        return answer;
      }
      report.failedAttempts += 1;
      await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + random()));
    }
    report.undetermined += 1;
    return null;
  };

  const movement = (record: Omit<CreditMovementRecord, 'delta' | 'refusedWith'>, answer: Answer | null, field: string) => {
    if (!answer) return;
    const entry = answer.kind === 'data' ? (answer.data[field] as { delta: number } | null) : null;
    report.movements.push({ ...record, delta: entry?.delta ?? null, refusedWith: answer.kind === 'refused' ? answer.code : null });
  };

  const operations = {
    promotion: async (userId: string, key: string) => {
      const flavour = pick(['promotion', 'promotion-expiring', 'promotion-never'] as const);
      const expiresAt = flavour === 'promotion-never' ? null : new Date(Date.now() + (flavour === 'promotion' ? 86_400_000 : between(2, 12) * 1000)).toISOString();
      const input = { userId, credits: between(1, 60), reason: `chaos ${flavour}`, expiresAt, idempotencyKey: key };
      // A grant expiring within seconds whose first attempts were lost to a fault may be retried after
      // its expiry: Topup then refuses it (BAD_USER_INPUT, no entry), which is right.
      const pastExpiry = (code: string) => code === 'BAD_USER_INPUT' && expiresAt !== null && Date.parse(expiresAt) <= Date.now();
      movement({ operation: flavour, userId, idempotencyKey: key }, await send(mutations.promotion, input, pastExpiry), 'grantPromotionalCredits');
      count(flavour);
    },
    spend: async (userId: string, key: string) => {
      const input = { userId, amount: between(1, 40), reason: 'chaos spend', idempotencyKey: key };
      movement({ operation: 'spend', userId, idempotencyKey: key }, await send(mutations.spend, input), 'spendCredits');
      count('spend');
    },
    batch: async (_userId: string, key: string) => {
      const items = Array.from({ length: between(5, 40) }, (_, index) => ({ userId: pick(options.userIds), amount: between(1, 20), reason: 'chaos batch', idempotencyKey: `${key}.${index}` }));
      const answer = await send(mutations.batch, { items });
      count('batch');
      if (!answer) return;
      if (answer.kind === 'refused') return;
      const results = answer.data.spendCreditsBatch as { idempotencyKey: string; entry: { delta: number } | null; error: { code: string; message: string } | null }[];
      for (const [index, item] of items.entries()) {
        const result = results[index];
        if (!result || result.idempotencyKey !== item.idempotencyKey) {
          report.unexpected.push(`batch ${key}: result ${index} is ${JSON.stringify(result)}, not for ${item.idempotencyKey}`);
          continue;
        }
        if (result.error && !refusalsExpected.has(result.error.code)) report.unexpected.push(`batch item ${item.idempotencyKey}: ${result.error.code} ${result.error.message}`);
        report.movements.push({ operation: 'batch-spend', userId: item.userId, idempotencyKey: item.idempotencyKey, delta: result.entry?.delta ?? null, refusedWith: result.error?.code ?? null });
      }
    },
    hold: async (userId: string, key: string) => {
      const amount = between(1, 40);
      const expiresInSeconds = between(2, 15);
      const reserved = await send(mutations.reserve, { userId, amount, reason: 'chaos hold', idempotencyKey: key, expiresInSeconds });
      count('hold');
      if (!reserved || reserved.kind === 'refused') return;
      const hold = reserved.data.reserveCredits as { id: string };
      const next = random();
      await sleep(between(0, 3000));
      if (next < 0.5) {
        // From 1: the SDL allows 0 (release all), but the server refuses it (BAD_USER_INPUT) for now.
        const captureAmount = between(1, amount);
        const captured = await send(mutations.capture, { holdId: hold.id, amount: captureAmount, idempotencyKey: `${key}.capture` });
        if (!captured) return;
        const after = captured.kind === 'data' ? (captured.data.captureCredits as { capturedCredits: number | null }) : null;
        report.holds.push({ holdId: hold.id, userId, amount, expiresInSeconds, ending: after ? 'captured' : 'capture refused', capturedCredits: after?.capturedCredits ?? null });
        if (after && (after.capturedCredits ?? 0) !== captureAmount) report.unexpected.push(`hold ${hold.id}: captured ${after.capturedCredits}, asked ${captureAmount}`);
        report.movements.push({
          operation: 'capture',
          userId,
          idempotencyKey: `${key}.capture`,
          delta: after && captureAmount > 0 ? -captureAmount : null,
          refusedWith: captured.kind === 'refused' ? captured.code : null,
        });
      } else if (next < 0.8) {
        const released = await send(mutations.release, { holdId: hold.id });
        if (!released) return;
        report.holds.push({ holdId: hold.id, userId, amount, expiresInSeconds, ending: released.kind === 'data' ? 'released' : 'release refused', capturedCredits: null });
      } else {
        report.holds.push({ holdId: hold.id, userId, amount, expiresInSeconds, ending: 'left to expire', capturedCredits: null });
      }
    },
  };
  const weighted: (keyof typeof operations)[] = ['promotion', 'promotion', 'spend', 'spend', 'spend', 'hold', 'hold', 'batch'];

  const worker = async (workerIndex: number) => {
    while (starting && Date.now() < options.deadline) {
      sequence += 1;
      const key = `chaos-${workerIndex}-${sequence}`;
      await operations[pick(weighted)](pick(options.userIds), key);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, index) => worker(index)));
  return report;
}

/** One POST; the answer when it is definitive, null when it must be retried. */
async function attemptOnce(baseUrl: string, serviceKey: string, query: string, input: Record<string, unknown>): Promise<Answer | null> {
  try {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${serviceKey}` },
      body: JSON.stringify({ query, variables: { input } }),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status >= 500) return null;
    const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
    const error = body.errors?.[0];
    if (error) {
      const code = error.extensions?.code ?? '';
      return definitiveCodes.has(code) ? { kind: 'refused', code, message: error.message } : null;
    }
    return body.data ? { kind: 'data', data: body.data } : null;
  } catch {
    return null;
  }
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
