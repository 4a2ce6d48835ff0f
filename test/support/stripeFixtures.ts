import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Stripe from 'stripe';

/**
 * Stripe's own sample objects (`test/fixtures/stripe/fixtures3.json`, MIT, from stripe/openapi), so test
 * events have the real shape; tests override only the fields they are about. Copied into
 * `test/fixtures/stripe/fixtures3.json` so the suite does not depend on a folder outside the repo.
 */
const fixturesPath = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/stripe/fixtures3.json');
const resources = (JSON.parse(fs.readFileSync(fixturesPath, 'utf8')) as { resources: Record<string, unknown> }).resources;

export function stripeFixture<Resource>(name: string, overrides: Partial<Resource> = {}): Resource {
  const base = resources[name];
  if (base === undefined) throw new Error(`no Stripe fixture named ${name}`);
  return { ...structuredClone(base as Resource), ...overrides };
}

let sequence = 0;

/** An event of `type` carrying `object`, shaped like fixtures3's `event`. */
export function stripeEvent(type: string, object: unknown): Stripe.Event {
  sequence += 1;
  const event = {
    ...stripeFixture<Record<string, unknown>>('event'),
    id: `evt_test_${Date.now().toString(36)}_${sequence}`,
    type,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: { object },
  };
  return event as unknown as Stripe.Event;
}
