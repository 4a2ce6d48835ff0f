/** The rows of a page of a connection, in order; none until the page has arrived. */
export function connectionNodes<Node>(connection: { edges: ReadonlyArray<{ node: Node }> } | null | undefined): Node[] {
  return connection?.edges.map((edge) => edge.node) ?? [];
}
