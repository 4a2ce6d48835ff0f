import { expect } from 'vitest';
import type { Storage } from '../../server/db/storage.ts';
import { testServiceKey, type TestTopup } from './startTestTopup.ts';

export const autoTopUpFields = 'enabled status thresholdCredits credits amountMinor monthlyLimitMinor currency spentThisMonthMinor paymentMethod { brand last4 } lastError pendingAttempt { id status credits }';

export interface AutoTopUpView {
  enabled: boolean;
  status: string;
  thresholdCredits: number | null;
  credits: number | null;
  amountMinor: number | null;
  monthlyLimitMinor: number | null;
  currency: string | null;
  spentThisMonthMinor: number;
  paymentMethod: { brand: string; last4: string } | null;
  lastError: string | null;
  pendingAttempt: { id: string; status: string; credits: number } | null;
}

/**
 * A user who bought `credits` at checkout with "save this card for automatic top-ups" (the user's
 * own `createCreditTopUpSession` with `saveCard`, the sandbox's card payment with `saveCard`, every
 * webhook delivered), so the card is saved. Returns the user's token and Stripe customer id.
 */
export async function userWithSavedCard(server: TestTopup, userId: string, credits: number): Promise<{ token: string; customerId: string; sessionId: string }> {
  const token = await server.devToken({ userId });
  const created = await server.graphql<{ createCreditTopUpSession: { sessionId: string } }>(
    'mutation ($credits: SafeInt!) { createCreditTopUpSession(input: { credits: $credits, saveCard: true }) { sessionId } }',
    { token, variables: { credits } },
  );
  expect(created.body.errors).toBeUndefined();
  const sessionId = created.body.data!.createCreditTopUpSession.sessionId;
  await server.sandbox(`/sandbox/checkout/sessions/${sessionId}/pay`, { outcome: 'paid', saveCard: true });
  await server.webhooksDelivered();
  const session = await server.topup.stripe.checkout.sessions.retrieve(sessionId);
  return { token, customerId: String(session.customer), sessionId };
}

export async function readAutoTopUp(server: TestTopup, token: string): Promise<AutoTopUpView> {
  const result = await server.graphql<{ me: { autoTopUp: AutoTopUpView } }>(`{ me { autoTopUp { ${autoTopUpFields} } } }`, { token });
  expect(result.body.errors).toBeUndefined();
  return result.body.data!.me.autoTopUp;
}

export async function setAutoTopUp(
  server: TestTopup,
  token: string,
  input: { enabled: boolean; thresholdCredits: number; credits: number; monthlyLimitMinor: number; userId?: string; currency?: string },
) {
  return server.graphql<{ setAutoTopUp: AutoTopUpView }>(`mutation ($input: SetAutoTopUpInput!) { setAutoTopUp(input: $input) { ${autoTopUpFields} } }`, {
    token,
    variables: { input },
  });
}

/** One spend through the API with the service key, as the app's backend spends. */
export async function spend(server: TestTopup, userId: string, amount: number, idempotencyKey: string) {
  return server.graphql<{ spendCredits: { balanceAfter: number } }>(
    'mutation ($input: SpendCreditsInput!) { spendCredits(input: $input) { balanceAfter } }',
    { token: testServiceKey, variables: { input: { userId, amount, reason: 'usage', idempotencyKey } } },
  );
}

/** The storage, with calls of the named SQL functions failing like a dropped connection while `failing()` says so. */
export function storageFailing(storage: Storage, functionNames: string[], failing: (functionName: string) => boolean): Storage {
  return {
    kind: storage.kind,
    checkReady: () => storage.checkReady(),
    close: () => storage.close(),
    call<Result>(functionName: string, args: Record<string, unknown>): Promise<Result> {
      if (functionNames.includes(functionName) && failing(functionName)) return Promise.reject(new Error('Connection terminated unexpectedly'));
      return storage.call<Result>(functionName, args);
    },
  };
}
