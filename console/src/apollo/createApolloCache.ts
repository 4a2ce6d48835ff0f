import { InMemoryCache } from '@apollo/client/cache';
import { relayStylePagination } from '@apollo/client/utilities';

/**
 * How the console caches API objects. Users and ledger entries normalize by `id`; purchases and
 * top-ups by `sessionId`, their only identifier. Every paginated connection merges its pages in
 * order ("Load more"), and one list is kept per filter, so filtering never shows another
 * filter's rows.
 */
export function createApolloCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          users: relayStylePagination(['search', 'sort']),
          ledgerEntries: relayStylePagination(['filter']),
          flaggedPurchases: relayStylePagination(),
          stripeEvents: relayStylePagination(['filter']),
          auditLog: relayStylePagination(['filter']),
        },
      },
      User: {
        fields: {
          ledger: relayStylePagination(['filter']),
          purchases: relayStylePagination(['statuses']),
        },
      },
      Purchase: { keyFields: ['sessionId'] },
      TopUp: { keyFields: ['sessionId'] },
      StripeEvent: { keyFields: ['id'] },
      CheckoutSession: { keyFields: ['sessionId'] },
      Pricing: { keyFields: [] },
      CreditStats: { keyFields: false },
      CreditStatsBucket: { keyFields: false },
    },
  });
}
