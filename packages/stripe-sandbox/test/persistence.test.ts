import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createManualTimers } from '../src/sandboxTimers.ts';
import { startStripeSandbox } from '../src/startStripeSandbox.ts';
import { harnessClosedAfterEachTest, type SandboxHarness } from './sandboxHarness.ts';

describe('Stripe sandbox: state across restarts', { timeout: 10_000 }, () => {
  const startHarness = harnessClosedAfterEachTest();
  let harness: SandboxHarness;

  it('keeps sessions, events, the API key and the webhook secret when restarted on the same folder', async () => {
    // Proves the state file carries everything: after a restart on a new port the session reads back (its url on the new port), events are listed, keys are unchanged and the session can still be paid.
    harness = await startHarness();
    const customer = await harness.stripe.customers.create({ email: 'keep@example.com' });
    const kept = await harness.createTopUpSession({ customer: customer.id });
    const paidBefore = await harness.createTopUpSession();
    await harness.pay(paidBefore.id);
    const { apiKey, webhookSecret, port } = harness.sandbox;
    const stateFile = JSON.parse(await readFile(join(harness.dataDirectory, 'stripe-sandbox.json'), 'utf8')) as { webhookSecret: string };
    expect(stateFile.webhookSecret).toBe(webhookSecret);

    await harness.restartSandbox();
    expect(harness.sandbox.apiKey).toBe(apiKey);
    expect(harness.sandbox.webhookSecret).toBe(webhookSecret);
    expect(webhookSecret).toMatch(/^whsec_/);
    const reread = await harness.stripe.checkout.sessions.retrieve(kept.id);
    expect(reread).toMatchObject({ id: kept.id, status: 'open', customer: customer.id, metadata: kept.metadata, url: `${harness.sandbox.url}/checkout/${kept.id}` });
    if (harness.sandbox.port !== port) expect(reread.url).not.toBe(kept.url);
    expect((await harness.stripe.customers.retrieve(customer.id)).id).toBe(customer.id);
    expect((await harness.stripe.checkout.sessions.retrieve(paidBefore.id)).payment_status).toBe('paid');
    expect((await harness.stripe.events.list({ limit: 100 })).data).toHaveLength(3);

    await harness.pay(kept.id);
    expect(harness.signatureFailures).toEqual([]);
    expect(harness.receivedTypes().slice(-1)).toEqual(['checkout.session.completed']);
  });

  it('resumes a pending delivery after a restart', async () => {
    // Proves pending deliveries are persisted: the first attempt gets a 500, the sandbox is restarted before the 1.5 s retry is due on its clock, and the restarted sandbox sends the retry when the clock gets there.
    const timers = createManualTimers();
    harness = await startHarness({ retryDelaysMilliseconds: [1500], timers });
    let calls = 0;
    harness.answerWith(() => (++calls === 1 ? 500 : 200));
    const session = await harness.createTopUpSession();
    await harness.stripe.checkout.sessions.expire(session.id);
    // The retry is scheduled once the failed attempt is recorded.
    await vi.waitFor(() => expect(timers.pendingDueTimes()).toEqual([timers.now() + 1500]));
    await harness.restartSandbox();
    expect(harness.received).toHaveLength(1);
    await vi.waitFor(() => expect(timers.pendingDueTimes()).toEqual([timers.now() + 1500]));
    timers.advanceBy(1500);
    await harness.sandbox.waitForIdle();
    expect(harness.received.map((webhook) => webhook.statusCode)).toEqual([500, 200]);
    expect(harness.received[1]?.event.id).toBe(harness.received[0]?.event.id);
  });

  it('refuses to start on a corrupt state file instead of silently starting over', async () => {
    // Proves a damaged state file stops the start with a message naming the file, so no webhook secret or payment is lost unnoticed.
    harness = await startHarness();
    await harness.sandbox.close();
    const path = join(harness.dataDirectory, 'stripe-sandbox.json');
    const original = await readFile(path, 'utf8');
    await writeFile(path, '{"formatVersion": 1, "apiKey"');
    await expect(startStripeSandbox({ port: 0, dataDirectory: harness.dataDirectory, webhookUrl: harness.receiverUrl })).rejects.toThrow(/stripe-sandbox\.json is not valid JSON/);
    await writeFile(path, original);
    await harness.restartSandbox();
  });
});
