import { beforeEach, describe, expect, it } from 'vitest';
import { disputeStatusChanges } from '../src/operations/setDisputeStatus.ts';
import { freshHarnessForEachTest } from './sandboxHarness.ts';

/** What Stripe sends to reach each status from no dispute at all, and the status the dispute opens in. */
const expectedEvents: Record<(typeof disputeStatusChanges)[number], string[]> = {
  warning_needs_response: ['charge.dispute.created'],
  warning_under_review: ['charge.dispute.created', 'charge.dispute.updated'],
  warning_closed: ['charge.dispute.created', 'charge.dispute.closed'],
  needs_response: ['charge.dispute.created'],
  under_review: ['charge.dispute.created', 'charge.dispute.updated'],
  won: ['charge.dispute.created', 'charge.dispute.closed'],
  lost: ['charge.dispute.created', 'charge.dispute.closed'],
  prevented: ['charge.dispute.created', 'charge.dispute.closed'],
  appeal_needs_response: ['charge.dispute.created', 'charge.dispute.closed', 'charge.dispute.updated'],
  appeal_under_review: ['charge.dispute.created', 'charge.dispute.closed', 'charge.dispute.updated'],
};

describe('Stripe sandbox: every dispute status', { timeout: 10_000 }, () => {
  const harness = freshHarnessForEachTest();
  let paymentIntentId: string;
  beforeEach(async () => {
    const session = await harness().createTopUpSession({ credits: 1000 });
    await harness().pay(session.id);
    paymentIntentId = String((await harness().stripe.checkout.sessions.retrieve(session.id)).payment_intent);
    harness().received.length = 0;
  });

  it('names every status of the SDK type', () => {
    // Proves the control endpoint accepts exactly the statuses stripe-node's Dispute.Status lists.
    expect([...disputeStatusChanges].sort()).toEqual(Object.keys(expectedEvents).sort());
  });

  it.each(disputeStatusChanges)('reaches %s from no dispute with the events Stripe would send', async (status) => {
    // Proves each status is stored and announced: created (inquiry or chargeback), then updated for an open status, closed for a closing one.
    const answer = await harness().control(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ object: 'dispute', status, payment_intent: paymentIntentId });
    await harness().sandbox.waitForIdle();
    expect(harness().receivedTypes()).toEqual(expectedEvents[status]);
    expect(harness().received.at(-1)?.event.data.object).toMatchObject({ status });
    const opened = harness().received[0]?.event.data.object as { status: string };
    expect(opened.status).toBe(status.startsWith('warning_') ? 'warning_needs_response' : 'needs_response');
    expect((await harness().stripe.disputes.retrieve(String(answer.body.id))).status).toBe(status);
  });

  it('refuses to reopen a dispute closed as warning_closed or prevented, and lets a lost one be appealed and won', async () => {
    // Proves closed means closed (dispute_already_closed, no event) except an appeal after a loss, which can then be won.
    await harness().control(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: 'lost' });
    await harness().control(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: 'appeal_under_review' });
    const won = await harness().control(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: 'won' });
    expect(won.body).toMatchObject({ status: 'won' });
    const reopened = await harness().control(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: 'needs_response' });
    expect(reopened.status).toBe(400);
    await harness().sandbox.waitForIdle();
    expect(harness().receivedTypes()).toEqual(['charge.dispute.created', 'charge.dispute.closed', 'charge.dispute.updated', 'charge.dispute.closed']);
  });
});
