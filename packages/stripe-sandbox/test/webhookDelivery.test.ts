import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { createManualTimers, type ManualTimers } from '../src/sandboxTimers.ts';
import { harnessClosedAfterEachTest, type SandboxHarness } from './sandboxHarness.ts';

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

/** The newest delivery, once it has `count` recorded attempts (a retry, if any, is scheduled from then on). */
async function deliveryAfterAttempts(harness: SandboxHarness, count: number): Promise<DeliveryView> {
  return vi.waitFor(async () => {
    const response = await fetch(`${harness.sandbox.url}/sandbox/deliveries?limit=1`);
    const [delivery] = ((await response.json()) as { data: DeliveryView[] }).data;
    expect(delivery?.attempts).toHaveLength(count);
    return delivery!;
  });
}

/** Waits for attempt number `count` to be recorded, then moves the sandbox clock by `milliseconds`: no real waiting. */
async function advanceAfterAttempts(harness: SandboxHarness, timers: ManualTimers, count: number, milliseconds: number): Promise<void> {
  await deliveryAfterAttempts(harness, count);
  timers.advanceBy(milliseconds);
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
  const startHarness = harnessClosedAfterEachTest();
  let harness: SandboxHarness;

  it('retries a failing endpoint with a fresh signature each time until it answers 2xx', async () => {
    // Proves the retry schedule on the sandbox's clock: a receiver answering 500 twice then 200 gets three attempts of the same event, each validly signed with a newer timestamp, the retries sent only when the clock reaches 1.1 s after the last failure.
    const timers = createManualTimers();
    harness = await startHarness({ retryDelaysMilliseconds: [1100, 1100, 1100], timers });
    let calls = 0;
    harness.answerWith(() => (++calls <= 2 ? 500 : 200));
    const session = await harness.createTopUpSession();
    await harness.stripe.checkout.sessions.expire(session.id);
    for (const attempts of [1, 2]) {
      await advanceAfterAttempts(harness, timers, attempts, 1099);
      // One millisecond short of the backoff: nothing is sent yet.
      expect(harness.received).toHaveLength(attempts);
      await vi.waitFor(() => expect(timers.pendingDueTimes()).toEqual([timers.now() + 1]));
      timers.advanceBy(1);
    }
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
    // Proves retries are bounded: with two retry delays an endpoint that always answers 503 gets exactly three attempts, then the delivery is failed, no timer is left and the queue is idle.
    const timers = createManualTimers();
    harness = await startHarness({ retryDelaysMilliseconds: [20_000, 40_000], timers });
    harness.answerWith(() => 503);
    const session = await harness.createTopUpSession();
    await harness.stripe.checkout.sessions.expire(session.id);
    await advanceAfterAttempts(harness, timers, 1, 20_000);
    await advanceAfterAttempts(harness, timers, 2, 40_000);
    await harness.sandbox.waitForIdle();
    expect(timers.pendingDueTimes()).toEqual([]);
    expect(harness.received.map((webhook) => webhook.statusCode)).toEqual([503, 503, 503]);
    const [delivery] = await deliveriesOf(harness, harness.received[0]?.event.id ?? '');
    expect(delivery).toMatchObject({ status: 'failed' });
    expect(delivery?.attempts).toHaveLength(3);
  });

  it('resends an event: the same id and body again, freshly signed', async () => {
    // Proves the resend control endpoint: one more delivery of the stored event, byte-identical body, verified signature, listed as a second delivery.
    harness = await startHarness();
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
    const timers = createManualTimers();
    harness = await startHarness({ retryDelaysMilliseconds: [300], timers });
    const receiverUrl = harness.receiverUrl;
    harness.sandbox.setWebhookUrl(`http://127.0.0.1:${await closedPort()}/api/stripe/webhooks`);
    const session = await harness.createTopUpSession();
    await harness.stripe.checkout.sessions.expire(session.id);
    await deliveryAfterAttempts(harness, 1);
    harness.sandbox.setWebhookUrl(receiverUrl);
    timers.advanceBy(300);
    await harness.sandbox.waitForIdle();
    expect(harness.receivedTypes()).toEqual(['checkout.session.expired']);
    const [delivery] = await deliveriesOf(harness, harness.received[0]?.event.id ?? '');
    expect(delivery?.status).toBe('succeeded');
    expect(delivery?.attempts[0]).toMatchObject({ statusCode: null, error: expect.stringContaining('ECONNREFUSED') });
    expect(delivery?.attempts[1]).toMatchObject({ statusCode: 200, url: receiverUrl });
  });

  it('times out a receiver that never answers', async () => {
    // Proves the per-attempt timeout on the sandbox's clock: a receiver that holds the request open is abandoned once the clock passes the configured 200 ms, and the attempt is recorded as timed out.
    const timers = createManualTimers();
    harness = await startHarness({ retryDelaysMilliseconds: [], deliveryTimeoutMilliseconds: 200, timers });
    let requestsHeld = 0;
    const silent = createHttpServer(() => {
      requestsHeld += 1;
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    harness.sandbox.setWebhookUrl(`http://127.0.0.1:${address.port}/hook`);
    const session = await harness.createTopUpSession();
    const expired = await harness.stripe.checkout.sessions.expire(session.id);
    await vi.waitFor(() => expect(requestsHeld).toBe(1));
    timers.advanceBy(199);
    expect((await deliveryAfterAttempts(harness, 0)).status).toBe('pending');
    timers.advanceBy(1);
    await harness.sandbox.waitForIdle();
    silent.closeAllConnections();
    silent.close();
    const events = await harness.stripe.events.list({ limit: 1 });
    const [delivery] = await deliveriesOf(harness, events.data[0]?.id ?? '');
    expect(expired.status).toBe('expired');
    expect(delivery).toMatchObject({ status: 'failed', attempts: [{ statusCode: null, error: expect.stringContaining('timed out') }] });
  });
});
