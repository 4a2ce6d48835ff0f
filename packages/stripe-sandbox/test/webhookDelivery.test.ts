import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxHarness } from './sandboxHarness.ts';

interface DeliveryView {
  eventId: string;
  status: string;
  attempts: Array<{ statusCode: number | null; error: string | null; signatureTimestamp: number; url: string }>;
}

async function deliveriesOf(harness: SandboxHarness, eventId: string): Promise<DeliveryView[]> {
  const response = await fetch(`${harness.sandbox.url}/sandbox/deliveries?event=${eventId}&limit=100`);
  const list = (await response.json()) as { data: DeliveryView[] };
  return list.data;
}

/** A port nothing listens on: bound, read, released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('Stripe sandbox: webhook delivery', { timeout: 10_000 }, () => {
  let harness: SandboxHarness;
  afterEach(async () => {
    await harness.close();
  });

  it('retries a failing endpoint with a fresh signature each time until it answers 2xx', async () => {
    // Proves the retry schedule: a receiver answering 500 twice then 200 gets three attempts of the same event, each validly signed with a newer timestamp (retries 1.1 s apart).
    harness = await SandboxHarness.start({ retryDelaysMilliseconds: [1100, 1100, 1100] });
    let calls = 0;
    harness.answerWith(() => (++calls <= 2 ? 500 : 200));
    const session = await harness.createTopUpSession();
    await harness.stripe.checkout.sessions.expire(session.id);
    await harness.sandbox.waitForIdle();

    expect(harness.signatureFailures).toEqual([]);
    expect(harness.received.map((webhook) => webhook.statusCode)).toEqual([500, 500, 200]);
    expect(new Set(harness.received.map((webhook) => webhook.event.id)).size).toBe(1);
    expect(new Set(harness.received.map((webhook) => webhook.rawBody)).size).toBe(1);
    const timestamps = harness.received.map((webhook) => webhook.signatureTimestamp);
    expect(timestamps[1]).toBeGreaterThan(timestamps[0] ?? 0);
    expect(timestamps[2]).toBeGreaterThan(timestamps[1] ?? 0);
    expect(new Set(harness.received.map((webhook) => webhook.signatureHeader)).size).toBe(3);

    const [delivery] = await deliveriesOf(harness, harness.received[0]?.event.id ?? '');
    expect(delivery).toMatchObject({ status: 'succeeded' });
    expect(delivery?.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 200]);
  });

  it('gives up after the last retry and marks the delivery failed', async () => {
    // Proves retries are bounded: with two retry delays an endpoint that always answers 503 gets exactly three attempts, then the delivery is failed and the queue idle.
    harness = await SandboxHarness.start({ retryDelaysMilliseconds: [20, 20] });
    harness.answerWith(() => 503);
    const session = await harness.createTopUpSession();
    await harness.stripe.checkout.sessions.expire(session.id);
    await harness.sandbox.waitForIdle();
    expect(harness.received.map((webhook) => webhook.statusCode)).toEqual([503, 503, 503]);
    const [delivery] = await deliveriesOf(harness, harness.received[0]?.event.id ?? '');
    expect(delivery).toMatchObject({ status: 'failed' });
    expect(delivery?.attempts).toHaveLength(3);
  });

  it('resends an event: the same id and body again, freshly signed', async () => {
    // Proves the resend control endpoint: one more delivery of the stored event, byte-identical body, verified signature, listed as a second delivery.
    harness = await SandboxHarness.start();
    const session = await harness.createTopUpSession();
    await harness.pay(session.id);
    const completed = harness.received.find((webhook) => webhook.event.type === 'checkout.session.completed');
    const resent = await harness.control(`/sandbox/events/${completed?.event.id}/resend`);
    expect(resent.body).toMatchObject({ id: completed?.event.id, object: 'event' });
    await harness.sandbox.waitForIdle();
    const copies = harness.received.filter((webhook) => webhook.event.id === completed?.event.id);
    expect(copies).toHaveLength(2);
    expect(copies[1]?.rawBody).toBe(copies[0]?.rawBody);
    expect(harness.signatureFailures).toEqual([]);
    expect(await deliveriesOf(harness, completed?.event.id ?? '')).toHaveLength(2);
    expect((await harness.control('/sandbox/events/evt_missing/resend')).status).toBe(404);
  });

  it('treats a refused connection as a failure and follows setWebhookUrl for later attempts', async () => {
    // Proves a refused connection is retried and that setWebhookUrl redirects the pending retry: the first attempt fails on a closed port, the retry reaches the receiver.
    harness = await SandboxHarness.start({ retryDelaysMilliseconds: [300] });
    const receiverUrl = harness.receiverUrl;
    harness.sandbox.setWebhookUrl(`http://127.0.0.1:${await closedPort()}/api/stripe/webhooks`);
    const session = await harness.createTopUpSession();
    await harness.stripe.checkout.sessions.expire(session.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    harness.sandbox.setWebhookUrl(receiverUrl);
    await harness.sandbox.waitForIdle();
    expect(harness.receivedTypes()).toEqual(['checkout.session.expired']);
    const [delivery] = await deliveriesOf(harness, harness.received[0]?.event.id ?? '');
    expect(delivery?.status).toBe('succeeded');
    expect(delivery?.attempts[0]).toMatchObject({ statusCode: null, error: expect.stringContaining('ECONNREFUSED') });
    expect(delivery?.attempts[1]).toMatchObject({ statusCode: 200, url: receiverUrl });
  });

  it('times out a receiver that never answers', async () => {
    // Proves the per-attempt timeout: a receiver that holds the request open is abandoned after the configured 200 ms and the attempt is recorded as timed out.
    harness = await SandboxHarness.start({ retryDelaysMilliseconds: [], deliveryTimeoutMilliseconds: 200 });
    const silent = createHttpServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    harness.sandbox.setWebhookUrl(`http://127.0.0.1:${address.port}/hook`);
    const session = await harness.createTopUpSession();
    const expired = await harness.stripe.checkout.sessions.expire(session.id);
    await harness.sandbox.waitForIdle();
    silent.closeAllConnections();
    silent.close();
    const events = await harness.stripe.events.list({ limit: 1 });
    const [delivery] = await deliveriesOf(harness, events.data[0]?.id ?? '');
    expect(expired.status).toBe('expired');
    expect(delivery).toMatchObject({ status: 'failed', attempts: [{ statusCode: null, error: expect.stringContaining('timed out') }] });
  });
});
