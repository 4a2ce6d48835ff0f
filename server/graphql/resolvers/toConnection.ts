import { assert } from '../../errors.ts';
import type { Page } from '../../ledger/ledgerTypes.ts';

export interface Connection<Node> {
  edges: Array<{ cursor: string; node: Node }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A Relay connection from a keyset page: one edge per node with its opaque cursor. */
export function toConnection<Node>(page: Page<Node>): Connection<Node> {
  assert(page.cursors.length === page.nodes.length, 'a page has one cursor per node');
  const edges = page.nodes.map((node, index) => ({ cursor: page.cursors[index]!, node }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}

/** `first` and `after` of a connection field, absent ones as null. */
export function pageArguments(args: { first?: number | null; after?: string | null }): { first: number | null; after: string | null } {
  return { first: args.first ?? null, after: args.after ?? null };
}

/** The named fields of an optional filter input, each absent one (or all, without a filter) as null. */
export function filterArguments<Filter extends object, Key extends keyof Filter>(
  filter: Filter | null | undefined,
  keys: readonly Key[],
): { [K in Key]: NonNullable<Filter[K]> | null } {
  const values = {} as { [K in Key]: NonNullable<Filter[K]> | null };
  for (const key of keys) values[key] = filter?.[key] ?? null;
  return values;
}

/** Awaits a list call's page and answers it as a connection. */
export async function listConnection<Node>(page: Promise<Page<Node>>): Promise<Connection<Node>> {
  return toConnection(await page);
}
