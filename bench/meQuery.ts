import { startCpuMeter, type CpuSnapshot } from './support/cpuAccounting.ts';
import { devToken } from './support/graphqlClient.ts';
import { postLoad } from './support/postLoad.ts';

export interface MeLoadResult {
  seconds: number;
  requestsPerSecond: number;
  latencyP50Milliseconds: number;
  latencyP99Milliseconds: number;
  non2xx: number;
  errors: number;
  requests: number;
  cpuSeconds: CpuSnapshot;
}

export const meQueryBody = JSON.stringify({ query: '{ me { credits } }' });

/** Dev tokens for `count` distinct users, minted once and reused by every run. */
export async function meTokens(baseUrl: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let index = 0; index < count; index += 1) tokens.push(await devToken(baseUrl, `user_mebench${index}`));
  return tokens;
}

/**
 * Authenticated `me { credits }` for `seconds` over `connections` keep-alive connections, each
 * request as the next of `tokens` (several users, so no single row is hot).
 */
export async function runMeLoad(options: { url: string; tokens: string[]; connections: number; seconds: number; serverPid: number }): Promise<MeLoadResult> {
  const meter = startCpuMeter({ serverPid: options.serverPid });
  let next = 0;
  const headersByToken = options.tokens.map((token) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` }));
  const { result, ...summary } = await postLoad({
    url: options.url,
    path: '/graphql',
    connections: options.connections,
    seconds: options.seconds,
    nextRequest: () => {
      next += 1;
      return { headers: headersByToken[next % headersByToken.length]!, body: meQueryBody };
    },
  });
  return { seconds: result.duration, requestsPerSecond: result['2xx'] / result.duration, ...summary, requests: result['2xx'], cpuSeconds: meter.stop() };
}
