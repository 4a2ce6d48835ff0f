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
