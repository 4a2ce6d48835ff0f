import { auditedCall, type AuditStamp } from '../db/auditedCall.ts';
import type { Storage } from '../db/storage.ts';
import { errorCodes, TopupError } from '../errors.ts';
import type { UserRow } from '../ledger/ledgerTypes.ts';
import type { Page } from '../ledger/ledgerTypes.ts';
import { decodeCursor, pageSize, toPage } from '../ledger/pagination.ts';
import { generateWebhookSecret } from './generateWebhookSecret.ts';
import { secretOverlapSeconds } from './retrySchedule.ts';
import { validateEndpointUrl } from './validateEndpointUrl.ts';
import {
  systemWebhookClock,
  webhookDeliveryStatuses,
  webhookEventTypes,
  type WebhookClock,
  type WebhookDeliveryRow,
  type WebhookDeliveryStatus,
  type WebhookEndpointRow,
  type WebhookEndpointWithSecret,
} from './webhookTypes.ts';

/**
 * The outbound webhooks as the transports see them: endpoints (admins), deliveries and replays,
 * the low-balance threshold. Events themselves are written by SQL triggers with the change that
 * caused them (`functions/webhooks.sql`), never from here. Errors: BAD_USER_INPUT (a URL, an
 * event type, a status, a page), NOT_FOUND (an unknown endpoint, delivery or user). A mutation given
 * an `audit` stamp writes its audit record in its own transaction (`auditedCall`, docs/audit.md).
 */
export interface Webhooks {
  listEndpoints(): Promise<WebhookEndpointRow[]>;
  createEndpoint(input: { url: string; eventTypes?: string[] | null; description?: string | null }, audit?: AuditStamp | null): Promise<WebhookEndpointWithSecret>;
  updateEndpoint(input: { id: string; url?: string | null; eventTypes?: string[] | null; description?: string | null; enabled?: boolean | null }, audit?: AuditStamp | null): Promise<WebhookEndpointRow>;
  deleteEndpoint(id: string, audit?: AuditStamp | null): Promise<WebhookEndpointRow>;
  /** A new secret; the old one keeps signing for 24 hours. */
  rotateSecret(id: string, audit?: AuditStamp | null): Promise<WebhookEndpointWithSecret>;
  listDeliveries(options: { endpointId?: string | null; eventType?: string | null; status?: string | null; first?: number | null; after?: string | null }): Promise<Page<WebhookDeliveryRow>>;
  /** A new delivery of the same event to the same endpoint (the same `webhook-id`), due now. */
  replayDelivery(id: string, audit?: AuditStamp | null): Promise<WebhookDeliveryRow>;
  /** Null: back to LOW_BALANCE_CREDITS. */
  setLowBalanceThreshold(options: { userId: string; credits: number | null; audit?: AuditStamp | null }): Promise<UserRow>;
  lowBalanceThresholds(userIds: string[]): Promise<Record<string, number>>;
  /** At boot: LOW_BALANCE_CREDITS and the default endpoint of APP_WEBHOOK_URL + APP_WEBHOOK_SECRET. */
  configure(options: { lowBalanceCredits: number; defaultEndpoint: { url: string; secret: string } | null }): Promise<void>;
}

export function createWebhooks(options: { storage: Storage; clock?: WebhookClock }): Webhooks {
  const { storage } = options;
  const clock = options.clock ?? systemWebhookClock;
  return {
    listEndpoints: () => storage.call('list_webhook_endpoints', {}),
    async createEndpoint(input, audit) {
      const secret = generateWebhookSecret();
      const endpoint = await auditedCall<WebhookEndpointRow>(storage, audit, 'create_webhook_endpoint', {
        p_url: validateEndpointUrl(input.url),
        p_event_types: validateEventTypes(input.eventTypes ?? []),
        p_description: validateDescription(input.description ?? ''),
        p_secret: secret,
      });
      return { endpoint, secret };
    },
    updateEndpoint: (input, audit) =>
      auditedCall(storage, audit, 'update_webhook_endpoint', {
        p_id: input.id,
        p_url: input.url == null ? null : validateEndpointUrl(input.url),
        p_event_types: input.eventTypes == null ? null : validateEventTypes(input.eventTypes),
        p_description: input.description == null ? null : validateDescription(input.description),
        p_enabled: input.enabled ?? null,
      }),
    deleteEndpoint: (id, audit) => auditedCall(storage, audit, 'delete_webhook_endpoint', { p_id: id }),
    async rotateSecret(id, audit) {
      const secret = generateWebhookSecret();
      const endpoint = await auditedCall<WebhookEndpointRow>(storage, audit, 'rotate_webhook_endpoint_secret', {
        p_id: id,
        p_secret: secret,
        p_now: clock.now().toISOString(),
        p_overlap_seconds: secretOverlapSeconds,
      });
      return { endpoint, secret };
    },
    async listDeliveries(filter) {
      const size = pageSize(filter.first);
      const scope = 'webhookDeliveries';
      if (filter.status != null && !webhookDeliveryStatuses.includes(filter.status as WebhookDeliveryStatus)) {
        throw new TopupError(errorCodes.badUserInput, `status must be one of ${webhookDeliveryStatuses.join(', ')}`, { field: 'status' });
      }
      const rows = await storage.call<{ node: WebhookDeliveryRow; cursor: string }[]>('list_webhook_deliveries', {
        p_endpoint_id: filter.endpointId ?? null,
        p_event_type: filter.eventType ?? null,
        p_status: filter.status ?? null,
        p_after: decodeCursor(scope, filter.after),
        p_limit: size,
      });
      return toPage(scope, rows, size);
    },
    replayDelivery(id, audit) {
      if (!/^\d{1,18}$/.test(id)) throw new TopupError(errorCodes.notFound, `webhook delivery ${id} not found`);
      return auditedCall(storage, audit, 'replay_webhook_delivery', { p_id: id, p_now: clock.now().toISOString() });
    },
    setLowBalanceThreshold: (input) =>
      auditedCall(storage, input.audit, 'set_low_balance_threshold', { p_user_id: input.userId, p_credits: input.credits }),
    lowBalanceThresholds: (userIds) => storage.call('low_balance_thresholds', { p_user_ids: userIds }),
    async configure(settings) {
      await storage.call('configure_webhooks', {
        p_low_balance_credits: settings.lowBalanceCredits,
        p_default_url: settings.defaultEndpoint?.url ?? null,
        p_default_secret: settings.defaultEndpoint?.secret ?? null,
        p_now: clock.now().toISOString(),
        p_overlap_seconds: secretOverlapSeconds,
      });
    },
  };
}

function validateEventTypes(eventTypes: string[]): string[] {
  const unknown = eventTypes.filter((type) => !(webhookEventTypes as readonly string[]).includes(type));
  if (unknown.length > 0) {
    throw new TopupError(errorCodes.badUserInput, `unknown event types: ${unknown.join(', ')}`, { field: 'eventTypes', unknown });
  }
  return [...new Set(eventTypes)];
}

function validateDescription(description: string): string {
  if (description.length > 500) throw new TopupError(errorCodes.badUserInput, 'description must be at most 500 characters', { field: 'description' });
  return description;
}
