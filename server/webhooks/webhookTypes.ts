/** The event types Topup announces (docs/webhooks.md has their bodies). */
export const webhookEventTypes = [
  'credits.granted',
  'credits.clawed_back',
  'credits.adjusted',
  'credits.spent',
  'credits.promotion_granted',
  'credits.expired',
  'balance.low',
  'balance.depleted',
  'purchase.pending',
  'purchase.failed',
  'auto_top_up.succeeded',
  'auto_top_up.failed',
  'auto_top_up.requires_action',
  'auto_top_up.limit_reached',
  'auto_top_up.disabled',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** `webhook_deliveries.status`. */
export const webhookDeliveryStatuses = ['pending', 'succeeded', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/** `webhook_endpoint_json`: never the secret. */
export interface WebhookEndpointRow {
  id: string;
  url: string;
  /** Empty: every type. */
  eventTypes: string[];
  description: string;
  enabled: boolean;
  /** Why it is off: `admin`, `gone` (HTTP 410) or `failing` (five days of failures). */
  disabledReason: string | null;
  createdAt: string;
}

/** An endpoint just created or rotated, with its secret: the only answer that carries it. */
export interface WebhookEndpointWithSecret {
  endpoint: WebhookEndpointRow;
  secret: string;
}

/** `webhook_delivery_json`. */
export interface WebhookDeliveryRow {
  id: string;
  webhookId: string;
  endpointId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
  replayOf: string | null;
  createdAt: string;
}

/** A delivery a worker claimed: what it needs for one attempt (`claim_webhook_deliveries`). */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  /** The body exactly as signed and sent. */
  body: string;
  /** Attempts made before this one. */
  attempts: number;
  url: string;
  endpointId: string;
  eventCreatedAt: string;
  /** The secrets that sign now: the current one, and the previous one during a rotation's overlap. */
  secrets: string[];
}

/** The clock and timers of the outbox, injected so tests move time instead of waiting. */
export interface WebhookClock {
  now(): Date;
  setTimeout(callback: () => void, milliseconds: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemWebhookClock: WebhookClock = {
  now: () => new Date(),
  setTimeout: (callback, milliseconds) => setTimeout(callback, milliseconds),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
