import type { Config } from './config.ts';
import type { Storage } from './db/storage.ts';
import type { Logger } from './log.ts';
import type { Billing } from './billing/createBilling.ts';

/**
 * What the transports (HTTP routes, GraphQL resolvers) get to do their job: built once at boot by
 * `server/main.ts` and passed down explicitly, so tests can hand in a fresh database and a silent log.
 */
export interface AppServices {
  config: Config;
  storage: Storage;
  log: Logger;
  billing: Billing;
}
