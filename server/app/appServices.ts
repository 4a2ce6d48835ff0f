import type { Config } from '../config.ts';
import type { Storage } from '../db/storage.ts';
import type { Logger } from '../log.ts';
import type { Billing } from '../billing/createBilling.ts';
import type { Ledger } from '../ledger/createLedger.ts';
import type { RateLimiter } from '../rateLimits/createRateLimiter.ts';
import type { Webhooks } from '../webhooks/createWebhooks.ts';
import type { Mail } from '../mail/createMail.ts';
import type { AuditLog } from '../audit/createAuditLog.ts';

/**
 * What the transports (HTTP routes, GraphQL resolvers) get to do their job: built once at boot by
 * `startTopup` and passed down explicitly, so tests can hand in a fresh database and a silent log.
 * `storage` is here for the readiness probe only; GraphQL sees `DomainServices`, without it.
 */
export interface AppServices extends DomainServices {
  storage: Storage;
}

/** The domain services, which alone reach storage. */
export interface DomainServices {
  config: Config;
  log: Logger;
  ledger: Ledger;
  billing: Billing;
  rateLimiter: RateLimiter;
  webhooks: Webhooks;
  mail: Mail;
  /** The admin audit log (read side; mutations write their records themselves). */
  audit: AuditLog;
}
