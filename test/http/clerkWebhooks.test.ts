import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTopup, type TestTopup } from '../support/startTestTopup.ts';

const signingSecret = `whsec_${randomBytes(24).toString('base64')}`;
const otherSecret = `whsec_${randomBytes(24).toString('base64')}`;

/** A Clerk user object as its webhooks send it (the fields Topup reads, and some it does not). */
function clerkUser(id: string, email: string | null, updatedAt: number) {
  return {
    id,
    object: 'user',
    first_name: 'Ada',
    primary_email_address_id: email === null ? null : 'idn_primary',
    email_addresses: [
      { id: 'idn_other', email_address: 'secondary@example.com', object: 'email_address' },
      ...(email === null ? [] : [{ id: 'idn_primary', email_address: email, object: 'email_address' }]),
    ],
    public_metadata: {},
    created_at: 1_767_225_600_000,
    updated_at: updatedAt,
  };
}

let sequence = 0;

/** Posts a Clerk event signed the way Clerk (Svix) signs it: Standard Webhooks with `svix-*` header names. */
async function postClerkEvent(server: TestTopup, event: { type: string; data: unknown }, options: { secret?: string; timestamp?: Date } = {}) {
  sequence += 1;
  const id = `msg_${sequence}_${randomBytes(4).toString('hex')}`;
  const timestamp = options.timestamp ?? new Date();
  const payload = JSON.stringify({ ...event, object: 'event', instance_id: 'ins_test', timestamp: timestamp.getTime() });
  const signature = new Webhook(options.secret ?? signingSecret).sign(id, timestamp, payload);
  const response = await fetch(`${server.url}/api/clerk/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'svix-signature': signature },
    body: payload,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('Clerk user webhooks', () => {
  let server: TestTopup;

  beforeAll(async () => {
    server = await startTestTopup({ environment: { CLERK_WEBHOOK_SIGNING_SECRET: signingSecret } });
  });

  afterAll(async () => {
    await server?.close();
  });

  async function userRow(id: string) {
    const rows = await server.database!.query<{ email: string | null; deleted: boolean }>('select email, deleted_at is not null as deleted from users where id = $1', [id]);
    return rows[0] ?? null;
  }

  it('creates and updates the user with its primary email, ignoring an older update that arrives late', async () => {
    // Proves user.created and user.updated keep the email in sync with Clerk's primary address, and that order does not matter (Clerk's updated_at decides).
    expect((await postClerkEvent(server, { type: 'user.created', data: clerkUser('user_ClerkA1', 'ada@example.com', 1_000) })).status).toBe(200);
    expect(await userRow('user_ClerkA1')).toEqual({ email: 'ada@example.com', deleted: false });
    await postClerkEvent(server, { type: 'user.updated', data: clerkUser('user_ClerkA1', 'ada@new.example.com', 3_000) });
    const late = await postClerkEvent(server, { type: 'user.updated', data: clerkUser('user_ClerkA1', 'ada@stale.example.com', 2_000) });
    expect(late.status).toBe(200);
    expect(await userRow('user_ClerkA1')).toEqual({ email: 'ada@new.example.com', deleted: false });
  });

  it('records a deletion for good: the ledger stays, the email goes, later updates and old tokens change nothing, and no purchase can start', async () => {
    // Proves user.deleted keeps the money history, removes personal data, cannot be undone by a late user.updated, and that a token minted before the deletion cannot buy.
    const token = await server.devToken({ userId: 'user_ClerkB2', email: 'bea@example.com' });
    await server.graphql('{ me { id } }', { token });
    const grant = await server.graphql('mutation { adjustCredits(input: { userId: "user_ClerkB2", delta: 40, reason: "welcome", idempotencyKey: "clerk-b2" }) { id } }', {
      token: await server.devToken({ userId: 'user_admin', role: 'admin' }),
    });
    expect(grant.body.errors).toBeUndefined();
    const deleted = await postClerkEvent(server, { type: 'user.deleted', data: { id: 'user_ClerkB2', object: 'user', deleted: true } });
    expect(deleted).toEqual({ status: 200, body: { received: true, outcome: 'user deleted' } });
    await postClerkEvent(server, { type: 'user.updated', data: clerkUser('user_ClerkB2', 'bea@back.example.com', Date.now()) });
    await server.graphql('{ me { id } }', { token });
    expect(await userRow('user_ClerkB2')).toEqual({ email: null, deleted: true });
    const [{ entries }] = (await server.database!.query<{ entries: number }>(`select count(*)::int as entries from credit_ledger where user_id = 'user_ClerkB2'`)) as [{ entries: number }];
    expect(entries).toBe(1);
    const purchase = await server.graphql('mutation { createCreditTopUpSession(input: { credits: 500 }) { sessionId } }', { token });
    expect(purchase.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses an unsigned, wrongly signed or stale delivery with 400 and changes nothing', async () => {
    // Proves the signature check by @clerk/backend's verifyWebhook: another endpoint's secret, a timestamp ten minutes old, and no headers at all are refused before anything is applied.
    const data = clerkUser('user_ClerkC3', 'cy@example.com', 1_000);
    expect((await postClerkEvent(server, { type: 'user.created', data }, { secret: otherSecret })).status).toBe(400);
    expect((await postClerkEvent(server, { type: 'user.created', data }, { timestamp: new Date(Date.now() - 600_000) })).status).toBe(400);
    const unsigned = await fetch(`${server.url}/api/clerk/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'user.created', data }) });
    expect(unsigned.status).toBe(400);
    expect(await userRow('user_ClerkC3')).toBeNull();
  });

  it('acknowledges event types it does not act on and users it cannot store, without retries', async () => {
    // Proves a verified event Topup ignores answers 200 (Clerk would retry anything else for days), and an id outside Topup's user id rules is refused as input, not as a 500.
    expect(await postClerkEvent(server, { type: 'session.created', data: { id: 'sess_1' } })).toEqual({ status: 200, body: { received: true, outcome: 'ignored: session.created' } });
    const odd = await postClerkEvent(server, { type: 'user.created', data: clerkUser('user with spaces', 'x@example.com', 1) });
    expect(odd.status).toBe(200);
    expect(String(odd.body.outcome)).toMatch(/^refused: BAD_USER_INPUT/);
  });
});

describe('Clerk user webhooks without a signing secret', () => {
  it('is not mounted: POST /api/clerk/webhooks is a 404', async () => {
    // Proves the route exists only when CLERK_WEBHOOK_SIGNING_SECRET is configured.
    const server = await startTestTopup();
    try {
      expect((await fetch(`${server.url}/api/clerk/webhooks`, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
