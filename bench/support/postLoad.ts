import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';

export interface PostLoadOptions {
  url: string;
  /** Every request is a POST to this path. */
  path: string;
  /** Keep-alive connections, one request in flight on each. */
  connections: number;
  seconds: number;
  /** The next request's headers and body; `context` is the connection's, handed back to `onResponse`. */
  nextRequest: (context: Record<string, unknown>) => { headers: Record<string, string>; body: string };
  onResponse?: (status: number, context: Record<string, unknown>) => void;
  /** Called with each 2xx answer's body (GraphQL answers errors with a 200), e.g. to count refusals. */
  onResponseBody?: (body: string) => void;
}

/** What every load of the bench reports of its run, besides its own counts. */
export interface PostLoadSummary {
  result: AutocannonResult;
  latencyP50Milliseconds: number;
  latencyP99Milliseconds: number;
  non2xx: number;
  /** Socket errors and timeouts. */
  errors: number;
}

/** POSTs to one path with autocannon for `seconds`, each request built by `nextRequest` just before it is sent. */
export async function postLoad(options: PostLoadOptions): Promise<PostLoadSummary> {
  const request = {
    method: 'POST',
    path: options.path,
    setupRequest: (base: AutocannonRequest, context: Record<string, unknown>) => ({ ...base, method: 'POST', path: options.path, ...options.nextRequest(context) }),
    ...(options.onResponse || options.onResponseBody
      ? {
          onResponse: (status: number, body: string, context: Record<string, unknown>) => {
            options.onResponse?.(status, context);
            if (status >= 200 && status < 300) options.onResponseBody?.(body);
          },
        }
      : {}),
  };
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 30,
    // `onResponse` is autocannon's, missing from the declared types.
    requests: [request as AutocannonRequest],
  });
  return {
    result,
    latencyP50Milliseconds: result.latency.p50,
    latencyP99Milliseconds: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
