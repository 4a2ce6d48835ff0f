import { expect } from 'vitest';
import type { TestTopup } from './startTestTopup.ts';

/**
 * A purchase paid the way a customer pays: the user's own `createCreditTopUpSession` through
 * GraphQL, the sandbox's card payment, every webhook delivered. Returns its session and the
 * payment intent Stripe made for it (what refunds and disputes act on).
 */
export async function paidPurchase(server: TestTopup, userId: string, credits: number): Promise<{ sessionId: string; paymentIntentId: string }> {
  const token = await server.devToken({ userId });
  const created = await server.graphql<{ createCreditTopUpSession: { sessionId: string } }>(
    'mutation ($credits: SafeInt!) { createCreditTopUpSession(input: { credits: $credits }) { sessionId } }',
    { token, variables: { credits } },
  );
  expect(created.body.errors).toBeUndefined();
  const sessionId = created.body.data!.createCreditTopUpSession.sessionId;
  await server.sandbox(`/sandbox/checkout/sessions/${sessionId}/pay`, { outcome: 'paid' });
  await server.webhooksDelivered();
  const session = await server.topup.stripe.checkout.sessions.retrieve(sessionId);
  return { sessionId, paymentIntentId: String(session.payment_intent) };
}
