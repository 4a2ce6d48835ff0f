import type { SandboxState } from './sandboxState.ts';
import type { WebhookDeliveryQueue } from './webhooks/webhookDeliveryQueue.ts';

/**
 * What every sandbox operation works with: the state, the clock, and the ways to publish what
 * happened. One object is built at start and passed down, so operations stay plain functions.
 */
export interface SandboxContext {
  state: SandboxState;
  /** Unix milliseconds of the sandbox clock (the real clock unless a test injects one). */
  now(): number;
  /** `http://127.0.0.1:<port>`, known once the server listens. */
  baseUrl(): string;
  /** The API version stamped on events, the one the pinned `stripe` SDK sends. */
  apiVersion: string;
  /** Marks the state as changed; it is written to disk shortly after. */
  markChanged(): void;
  deliveryQueue: WebhookDeliveryQueue;
  log(line: string): void;
}

export function unixSeconds(milliseconds: number): number {
  return Math.floor(milliseconds / 1000);
}
