import type { RequestParams } from './requestParams.ts';
import { StripeApiError } from './stripeApiError.ts';

/** Stripe's page sizes: 10 by default, at most 100. */
export const pageSizeDefault = 10;
export const pageSizeMax = 100;

export interface ListObject<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export interface PaginateListOptions<T> {
  itemsNewestFirst: readonly T[];
  matches: (item: T) => boolean;
  params: RequestParams;
  url: string;
  resourceName: string;
}

/**
 * One page of a Stripe list, newest first, with Stripe's cursor semantics: `limit` (1..100,
 * default 10), `starting_after` (the page after that object), `ending_before` (the page before
 * it). Cursors are located in the unfiltered collection, so a cursor object that does not match
 * the filters still works, as in Stripe.
 *
 * Errors: `invalid_request_error` for a bad `limit`, both cursors at once, or an unknown cursor
 * id (404 `resource_missing`).
 */
export function paginateList<T extends { id: string }>(options: PaginateListOptions<T>): ListObject<T> {
  const { itemsNewestFirst, matches, params } = options;
  const limit = params.optionalInteger('limit', { min: 1, max: pageSizeMax }) ?? pageSizeDefault;
  const startingAfter = params.optionalString('starting_after', { lengthMax: 255 });
  const endingBefore = params.optionalString('ending_before', { lengthMax: 255 });
  if (startingAfter !== null && endingBefore !== null) {
    throw StripeApiError.invalidRequest('You may only specify one of these parameters: ending_before, starting_after.', {
      param: 'ending_before',
    });
  }
  if (endingBefore !== null) {
    const cursorIndex = findCursor(itemsNewestFirst, endingBefore, 'ending_before', options.resourceName);
    const newer = itemsNewestFirst.slice(0, cursorIndex).filter(matches);
    return { object: 'list', data: newer.slice(-limit), has_more: newer.length > limit, url: options.url };
  }
  const startIndex = startingAfter === null ? 0 : findCursor(itemsNewestFirst, startingAfter, 'starting_after', options.resourceName) + 1;
  const data: T[] = [];
  let hasMore = false;
  for (const item of itemsNewestFirst.slice(startIndex)) {
    if (!matches(item)) continue;
    if (data.length === limit) {
      hasMore = true;
      break;
    }
    data.push(item);
  }
  return { object: 'list', data, has_more: hasMore, url: options.url };
}

function findCursor<T extends { id: string }>(items: readonly T[], id: string, param: string, resourceName: string): number {
  const index = items.findIndex((item) => item.id === id);
  if (index === -1) throw StripeApiError.resourceMissing(resourceName, id, param);
  return index;
}
