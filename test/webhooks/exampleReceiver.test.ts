import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startReceiver, type TopupEvent } from '../../docs/examples/receiver.ts';
import { startTestTopup, type TestTopup } from '../support/startTestTopup.ts';
import { generateWebhookSecret } from '../../server/webhooks/generateWebhookSecret.ts';

describe('the example receiver of docs/webhooks.md', () => {
  let server: TestTopup | undefined;
  let receiver: ReturnType<typeof startReceiver> | undefined;

  afterAll(async () => {
    await server?.close();
    await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  });

  it('verifies a real delivery and handles it once, a replay acknowledged but not handled again', async () => {
    // Proves the documented example works against Topup's real worker: the signed event reaches `handle` once; a replay (same webhook-id) is answered 2xx without a second call.
    const secret = generateWebhookSecret();
    const handled: Array<{ event: TopupEvent; webhookId: string }> = [];
    receiver = startReceiver({ secret, port: 0, handle: (event, webhookId) => handled.push({ event, webhookId }) });
    await new Promise((resolve) => receiver!.once('listening', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/topup`;
    server = await startTestTopup({ environment: { APP_WEBHOOK_URL: url, APP_WEBHOOK_SECRET: secret, WEBHOOK_WORKER_INTERVAL_MS: '20' } });
    const admin = await server.devToken({ userId: 'user_admin', role: 'admin' });
    await server.graphql('{ me { id } }', { token: await server.devToken({ userId: 'user_Receiver1' }) });
    await server.graphql('mutation { adjustCredits(input: { userId: "user_Receiver1", delta: 500, reason: "hello", idempotencyKey: "rx1" }) { id } }', { token: admin });
    await vi.waitFor(() => expect(handled).toHaveLength(1), { timeout: 10_000 });
    expect(handled[0]!.event).toMatchObject({ type: 'credits.adjusted', data: { userId: 'user_Receiver1', delta: 500 } });
    const listed = await server.graphql<{ webhookDeliveries: { edges: Array<{ node: { id: string } }> } }>('{ webhookDeliveries(first: 1) { edges { node { id } } } }', { token: admin });
    await server.graphql('mutation ($id: ID!) { replayWebhookDelivery(id: $id) { id } }', { token: admin, variables: { id: listed.body.data!.webhookDeliveries.edges[0]!.node.id } });
    await vi.waitFor(async () => {
      const rows = await server!.database!.query<{ status: string }>("select status from webhook_deliveries where replay_of is not null");
      expect(rows).toEqual([{ status: 'succeeded' }]);
    }, { timeout: 10_000 });
    expect(handled).toHaveLength(1);
  });
});
