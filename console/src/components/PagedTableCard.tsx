import type { ReactNode } from 'react';
import { CardSection } from './CardSection.tsx';
import { connectionNodes } from './connectionNodes.ts';
import { DataTable } from './DataTable.tsx';
import type { DataTableColumn } from './DataTable.tsx';
import { EmptyState } from './EmptyState.tsx';
import { LoadingRows } from './LoadingRows.tsx';
import { PagedList } from './PagedList.tsx';
import type { PagedQuery } from './PagedList.tsx';

interface PagedTableCardProps<Node> {
  /** The card's heading; its placeholder announces "Loading <title>…". */
  title: string;
  /** The `useQuery` result, run with `pagedListQueryOptions`, and the connection it has loaded. */
  query: PagedQuery;
  connection: { edges: ReadonlyArray<{ node: Node }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null | undefined;
  /**
   * Which of the loaded nodes the table shows, and whether "Load more" is offered, when that is
   * not every node and the connection's `hasNextPage` (users in debt: those below zero).
   */
  shown?: { nodes: Node[]; hasNextPage: boolean };
  noun: { one: string; other: string };
  /** What the card says when there is nothing to show, and a sentence on what would appear. */
  empty: { title: string; text?: string };
  caption: string;
  columns: ReadonlyArray<DataTableColumn | false>;
  /** The table's rows for the nodes shown. */
  children: (nodes: Node[]) => ReactNode;
}

/** A card with a paged table of a connection's nodes: the admin's purchases, flagged purchases, users in debt. */
export function PagedTableCard<Node>({ title, query, connection, shown, noun, empty, caption, columns, children }: PagedTableCardProps<Node>) {
  const nodes = shown?.nodes ?? connectionNodes(connection);
  return (
    <CardSection title={title}>
      <PagedList
        query={query}
        connection={connection}
        shownCount={nodes.length}
        noun={noun}
        hasNextPage={shown?.hasNextPage}
        placeholder={<LoadingRows rows={3} label={`Loading ${title.toLowerCase()}…`} />}
        empty={<EmptyState title={empty.title}>{empty.text && <p>{empty.text}</p>}</EmptyState>}
      >
        <DataTable caption={caption} columns={columns}>
          {children(nodes)}
        </DataTable>
      </PagedList>
    </CardSection>
  );
}
