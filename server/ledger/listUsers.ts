import type { Storage } from '../db/storage.ts';
import type { Page, UserRow } from './ledgerTypes.ts';
import { decodeCursor, pageSize, toPage } from './pagination.ts';
import type { UserSort } from '../vocabulary.ts';

// The orders are words of the one vocabulary (`server/vocabulary.ts`).
export type { UserSort } from '../vocabulary.ts';

/** Users in one of four orders, optionally searched by id or email. Errors: BAD_USER_INPUT (page size, cursor). */
export async function listUsers(
  storage: Storage,
  options: { search?: string | null; sort: UserSort; first?: number | null; after?: string | null },
): Promise<Page<UserRow>> {
  const size = pageSize(options.first);
  const scope = `users:${options.sort}`;
  const rows = await storage.call<{ node: UserRow; cursor: string }[]>('list_users', {
    p_search: options.search ?? null,
    p_sort: options.sort,
    p_after: decodeCursor(scope, options.after),
    p_limit: size,
  });
  return toPage(scope, rows, size);
}
