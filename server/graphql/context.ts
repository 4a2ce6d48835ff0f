import type { DomainServices } from '../app/appServices.ts';
import type { Viewer } from '../auth/viewerTypes.ts';

/** What every resolver receives: who is calling, a request id for the logs, and the services. */
export interface GraphQLContext {
  /** Null for anonymous requests; resolvers that need a caller go through `requireRole`. */
  viewer: Viewer | null;
  requestId: string;
  /** The client's address as Express sees it (`TRUST_PROXY` decides whether X-Forwarded-For counts), for rate limits. */
  clientIp: string;
  services: DomainServices;
}
