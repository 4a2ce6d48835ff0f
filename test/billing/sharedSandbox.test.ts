import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTopup, type TestTopup } from '../support/startTestTopup.ts';

describe('STRIPE_SANDBOX_URL: a server that uses the sandbox another process runs', () => {
  // The first server starts its own sandbox; the second (its own database) is pointed at it, as
  // `npm run chaos` points its instances at the driver's sandbox.
  let owner: TestTopup;
  let guest: TestTopup;

  beforeAll(async () => {
    owner = await startTestTopup();
    const sandbox = owner.topup.stripeSandbox!;
    guest = await startTestTopup({ environment: { STRIPE_SANDBOX_URL: sandbox.url, STRIPE_WEBHOOK_SECRET: sandbox.webhookSecret } });
  }, 60_000);

  afterAll(async () => {
    await guest?.close();
    await owner?.close();
  });

  it('starts no sandbox of its own and creates its checkout sessions at that one', async () => {
    // Proves the wiring: the guest has no sandbox, and a session it creates for its user exists at the owner's sandbox with Topup's metadata, so both talk to one Stripe.
    expect(guest.topup.stripeSandbox).toBeNull();
    const token = await guest.devToken({ userId: 'user_sharedsandbox' });
    const created = await guest.graphql<{ createCreditTopUpSession: { sessionId: string } }>(
      'mutation { createCreditTopUpSession(input: { credits: 500 }) { sessionId } }',
      { token },
    );
    expect(created.body.errors).toBeUndefined();
    const session = await owner.topup.stripe.checkout.sessions.retrieve(created.body.data!.createCreditTopUpSession.sessionId);
    expect(session.metadata).toMatchObject({ type: 'credit_topup', clerk_user_id: 'user_sharedsandbox', credits_amount: '500' });
    expect(session.url?.startsWith(owner.topup.stripeSandbox!.url)).toBe(true);
  });
});
