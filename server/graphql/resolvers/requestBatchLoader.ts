import type { GraphQLContext } from '../context.ts';

/** Keys one fetch takes at most: the bound of the batch reads it calls (`find_purchases`, `lot_changes_of_entries`). */
const keysPerFetchMax = 1000;

/**
 * A field that needs one read per parent (`LedgerEntry.purchase` on a page of 100 entries) would be
 * 100 queries. This collects the keys asked for in the same tick of one request and answers them
 * with one `fetch` per 1,000 keys; a key asked twice in a request is read once. `missing` answers a
 * key the fetch did not return.
 */
export function requestBatchLoader<Value>(
  fetch: (context: GraphQLContext, keys: string[]) => Promise<Map<string, Value>>,
  missing: Value,
): (context: GraphQLContext, key: string) => Promise<Value> {
  const loaders = new WeakMap<GraphQLContext, (key: string) => Promise<Value>>();
  return (context, key) => {
    let load = loaders.get(context);
    if (load === undefined) {
      load = createLoader(context, fetch, missing);
      loaders.set(context, load);
    }
    return load(key);
  };
}

type Waiter<Value> = { resolve: (value: Value) => void; reject: (error: unknown) => void };

function createLoader<Value>(
  context: GraphQLContext,
  fetch: (context: GraphQLContext, keys: string[]) => Promise<Map<string, Value>>,
  missing: Value,
): (key: string) => Promise<Value> {
  const cache = new Map<string, Promise<Value>>();
  let pending: Map<string, Waiter<Value>> | null = null;
  const flush = async (batch: Map<string, Waiter<Value>>) => {
    const keys = [...batch.keys()];
    for (let start = 0; start < keys.length; start += keysPerFetchMax) {
      const chunk = keys.slice(start, start + keysPerFetchMax);
      try {
        const values = await fetch(context, chunk);
        for (const key of chunk) batch.get(key)!.resolve(values.has(key) ? values.get(key)! : missing);
      } catch (error) {
        for (const key of chunk) batch.get(key)!.reject(error);
      }
    }
  };
  return (key) => {
    const cached = cache.get(key);
    if (cached) return cached;
    const promise = new Promise<Value>((resolve, reject) => {
      if (pending === null) {
        pending = new Map();
        const batch = pending;
        queueMicrotask(() => {
          pending = null;
          void flush(batch);
        });
      }
      pending.set(key, { resolve, reject });
    });
    cache.set(key, promise);
    return promise;
  };
}
