/**
 * The `useQuery` options of every list shown with `PagedList`: the cached rows show at once and
 * are refreshed from the server, and `networkStatus` follows "Load more" and new variables, which
 * `PagedList` needs to say "Loading…" and to mark the rows busy.
 */
export const pagedListQueryOptions = { fetchPolicy: 'cache-and-network', notifyOnNetworkStatusChange: true } as const;
