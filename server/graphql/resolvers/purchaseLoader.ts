import type { PurchaseRow } from '../../billing/purchaseTypes.ts';
import type { GraphQLContext } from '../context.ts';

const loaders = new WeakMap<GraphQLContext, (sessionId: string) => Promise<PurchaseRow | null>>();

/**
 * `LedgerEntry.purchase` for a page of 100 entries would otherwise be 100 queries. Within one
 * request, lookups made in the same tick are collected and answered by one `find_purchases` call.
 */
export function loadPurchase(context: GraphQLContext, sessionId: string): Promise<PurchaseRow | null> {
  let load = loaders.get(context);
  if (load === undefined) {
    load = createBatchLoader(context);
    loaders.set(context, load);
  }
  return load(sessionId);
}

function createBatchLoader(context: GraphQLContext): (sessionId: string) => Promise<PurchaseRow | null> {
  const cache = new Map<string, Promise<PurchaseRow | null>>();
  let pending: Map<string, { resolve: (row: PurchaseRow | null) => void; reject: (error: unknown) => void }> | null = null;
  const flush = async (batch: NonNullable<typeof pending>) => {
    try {
      const rows = await context.services.billing.findPurchases([...batch.keys()]);
      const bySession = new Map(rows.map((row) => [row.sessionId, row]));
      for (const [sessionId, waiter] of batch) waiter.resolve(bySession.get(sessionId) ?? null);
    } catch (error) {
      for (const waiter of batch.values()) waiter.reject(error);
    }
  };
  return (sessionId) => {
    const cached = cache.get(sessionId);
    if (cached) return cached;
    const promise = new Promise<PurchaseRow | null>((resolve, reject) => {
      if (pending === null) {
        pending = new Map();
        const batch = pending;
        queueMicrotask(() => {
          pending = null;
          void flush(batch);
        });
      }
      pending.set(sessionId, { resolve, reject });
    });
    cache.set(sessionId, promise);
    return promise;
  };
}
