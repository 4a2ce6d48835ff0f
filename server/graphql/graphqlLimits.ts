import { pageSizeDefault, pageSizeMax } from '../ledger/pagination.ts';

/**
 * Bounds of what one GraphQL request may ask for. Page sizes are the ledger's (which enforces
 * them); the cost limit lets the console's screens through with room to spare while refusing a
 * page of users each with a full page of ledger entries (100 x 100 x fields).
 */
export interface GraphQLLimits {
  /** Fields nested in one operation (`{ me { id } }` is 2); introspection has its own limit. */
  depthMax: number;
  /** See `validation/createCostLimitRule.ts`. */
  costMax: number;
  pageSizeDefault: number;
  pageSizeMax: number;
  /** graphql-js stops parsing after this many tokens: a cheap guard before validation even runs. */
  parseTokensMax: number;
  /** Root fields that call Stripe in one operation (`validation/createStripeCallLimitRule.ts`). */
  stripeCallsMax: number;
}

export const graphqlLimits: Readonly<GraphQLLimits> = {
  depthMax: 10,
  costMax: 10_000,
  pageSizeDefault,
  pageSizeMax,
  parseTokensMax: 10_000,
  stripeCallsMax: 5,
};
