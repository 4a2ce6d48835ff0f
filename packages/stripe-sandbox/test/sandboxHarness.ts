import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterEach, beforeEach } from 'vitest';
import { startStripeSandbox, type StripeSandbox, type StripeSandboxOptions } from '../src/startStripeSandbox.ts';

/** One POST the webhook receiver got, after checking its signature with the real SDK. */
export interface ReceivedWebhook {
  event: Stripe.Event;
  rawBody: string;
  signatureHeader: string;
  signatureTimestamp: number;
  headers: IncomingHttpHeaders;
  /** The status the receiver answered with. */
  statusCode: number;
}

export type HarnessOptions = Partial<Pick<StripeSandboxOptions, 'retryDelaysMilliseconds' | 'now' | 'timers' | 'webhookSecret' | 'deliveryTimeoutMilliseconds' | 'retention'>>;

/** Short retries keep delivery tests fast; each test that needs others passes its own. */
const testRetryDelaysMilliseconds = [50, 50];

/**
 * A sandbox on a random port with a temporary data directory, the real `stripe` SDK pointed at
 * it, and a real HTTP webhook receiver that verifies every signature with
 * `stripe.webhooks.constructEvent` (a bad signature is answered 400 and recorded).
 */
export class SandboxHarness {
  sandbox!: StripeSandbox;
  stripe!: Stripe;
  readonly received: ReceivedWebhook[] = [];
  readonly signatureFailures: string[] = [];
  readonly dataDirectory: string;
  private readonly receiver: Server;
  /** Where the harness's receiver listens; the sandbox's webhook URL unless a test changes it. */
  readonly receiverUrl: string;
  private readonly options: HarnessOptions;
  private answer: (webhook: Omit<ReceivedWebhook, 'statusCode'>) => number = () => 200;

  private constructor(options: { dataDirectory: string; receiver: Server; receiverUrl: string; harnessOptions: HarnessOptions }) {
    this.dataDirectory = options.dataDirectory;
    this.receiver = options.receiver;
    this.receiverUrl = options.receiverUrl;
    this.options = options.harnessOptions;
  }

  static async start(options: HarnessOptions = {}): Promise<SandboxHarness> {
    const dataDirectory = await mkdtemp(join(tmpdir(), 'stripe-sandbox-test-'));
    const receiver = createServer();
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    if (address === null || typeof address === 'string') throw new Error('receiver has no port');
    const harness = new SandboxHarness({
      dataDirectory,
      receiver,
      receiverUrl: `http://127.0.0.1:${address.port}/api/stripe/webhooks`,
      harnessOptions: options,
    });
    receiver.on('request', (request, response) => {
      let rawBody = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (rawBody += chunk));
      request.on('end', () => {
        const signatureHeader = String(request.headers['stripe-signature'] ?? '');
        let event: Stripe.Event;
        try {
          event = harness.stripe.webhooks.constructEvent(rawBody, signatureHeader, harness.sandbox.webhookSecret);
        } catch (error) {
          harness.signatureFailures.push(String(error));
          response.writeHead(400).end();
          return;
        }
        const signatureTimestamp = Number(/t=(\d+)/.exec(signatureHeader)?.[1]);
        const webhook = { event, rawBody, signatureHeader, signatureTimestamp, headers: request.headers };
        const statusCode = harness.answer(webhook);
        harness.received.push({ ...webhook, statusCode });
        response.writeHead(statusCode, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
    await harness.startSandbox();
    return harness;
  }

  /** Decides the receiver's HTTP status for each incoming webhook (200 by default). */
  answerWith(answer: (webhook: Omit<ReceivedWebhook, 'statusCode'>) => number): void {
    this.answer = answer;
  }

  /** Closes the sandbox and starts a new one on the same data directory. */
  async restartSandbox(): Promise<void> {
    await this.sandbox.close();
    await this.startSandbox();
  }

  /** Calls a control endpoint with a JSON body. */
  async control(path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.sandbox.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? '' : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** Creates a session the way Topup does: the contract's metadata on the session and its payment intent. */
  async createTopUpSession(options: { credits?: number; unitAmountMinor?: number; customer?: string } = {}): Promise<Stripe.Checkout.Session> {
    const credits = options.credits ?? 71;
    const metadata = { type: 'credit_topup', clerk_user_id: 'user_32mSltWx9KkUkJe3sN2Bkym2w45', credits_amount: String(credits) };
    return this.stripe.checkout.sessions.create({
      mode: 'payment',
      customer: options.customer,
      client_reference_id: 'user_32mSltWx9KkUkJe3sN2Bkym2w45',
      line_items: [
        {
          quantity: 1,
          price_data: { currency: 'usd', unit_amount: options.unitAmountMinor ?? credits, product_data: { name: `${credits} credits` } },
        },
      ],
      metadata,
      payment_intent_data: { metadata },
      success_url: 'http://localhost:4000/topup/success?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://localhost:4000/topup/cancel',
    });
  }

  /** Pays a session through the control endpoint and waits until its webhooks are delivered. */
  async pay(sessionId: string, outcome: 'paid' | 'declined' | 'async_pending' = 'paid'): Promise<Record<string, unknown>> {
    const result = await this.control(`/sandbox/checkout/sessions/${sessionId}/pay`, { outcome });
    await this.sandbox.waitForIdle();
    return result.body;
  }

  receivedTypes(): string[] {
    return this.received.filter((webhook) => webhook.statusCode === 200).map((webhook) => webhook.event.type);
  }

  async close(): Promise<void> {
    await this.sandbox.close();
    await new Promise<void>((resolve) => {
      this.receiver.close(() => resolve());
      this.receiver.closeAllConnections();
    });
    await rm(this.dataDirectory, { recursive: true, force: true });
  }

  private async startSandbox(): Promise<void> {
    this.sandbox = await startStripeSandbox({
      port: 0,
      dataDirectory: this.dataDirectory,
      webhookUrl: this.receiverUrl,
      retryDelaysMilliseconds: testRetryDelaysMilliseconds,
      ...this.options,
    });
    this.stripe = new Stripe(this.sandbox.apiKey, {
      host: '127.0.0.1',
      port: this.sandbox.port,
      protocol: 'http',
      apiVersion: Stripe.API_VERSION,
      maxNetworkRetries: 2,
      telemetry: false,
    });
  }
}

/** A fresh harness for every test of the enclosing `describe`: started before each test, closed after it. */
export function freshHarnessForEachTest(options: HarnessOptions = {}): () => SandboxHarness {
  let harness: SandboxHarness | null = null;
  beforeEach(async () => {
    harness = await SandboxHarness.start(options);
  });
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });
  return () => {
    if (harness === null) throw new Error('the harness runs only inside a test');
    return harness;
  };
}

/** For tests that start their own harness with their own options: whatever a test started is closed after it. */
export function harnessClosedAfterEachTest(): (options?: HarnessOptions) => Promise<SandboxHarness> {
  const started: SandboxHarness[] = [];
  afterEach(async () => {
    for (const harness of started.splice(0)) await harness.close();
  });
  return async (options) => {
    const harness = await SandboxHarness.start(options);
    started.push(harness);
    return harness;
  };
}
