/** A route such as `GET /v1/checkout/sessions/:id/line_items`; at most one `:id` segment. */
export interface Route {
  method: 'GET' | 'POST';
  pattern: string;
}

/**
 * Finds the route for a method and path, with the value of its `:id` segment ('' when the
 * pattern has none). Ids are matched as one non-empty path segment.
 */
export function matchRoute<R extends Route>(routes: readonly R[], method: string, path: string): { route: R; id: string } | null {
  const pathSegments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const patternSegments = route.pattern.split('/');
    if (patternSegments.length !== pathSegments.length) continue;
    let id = '';
    const matches = patternSegments.every((patternSegment, index) => {
      const pathSegment = pathSegments[index] ?? '';
      if (patternSegment === ':id') {
        id = safeDecode(pathSegment);
        return id !== '';
      }
      return patternSegment === pathSegment;
    });
    if (matches) return { route, id };
  }
  return null;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

/** One row of a route table: `route('GET', '/v1/charges/:id', handle)`. */
export function route<Handle>(method: Route['method'], pattern: string, handle: Handle): Route & { handle: Handle } {
  return { method, pattern, handle };
}
