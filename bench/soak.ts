import fs from 'node:fs';
import { signStripePayload } from '../test/support/stripeEvents.ts';
import type { SignedDelivery } from './support/checkoutEvents.ts';
import { startCpuMeter, type CpuSnapshot } from './support/cpuAccounting.ts';
import { percentile } from './support/statistics.ts';

/** Requests per second of each kind; the soak holds them steady (an open loop, not max throughput). */
export interface SoakRates {
  webhooks: number;
  me: number;
  spends: number;
  pages: number;
  /** `createCreditTopUpSession` then a payment on the sandbox, which delivers its own webhooks. */
  checkouts: number;
}

export type SoakKind = keyof SoakRates;

export interface SoakKindResult {
  sent: number;
  ok: number;
  /** Non-2xx answers, GraphQL errors and socket errors. */
  failed: number;
  /** Requests not sent because `inFlightMax` of this kind were still waiting: the server fell behind. */
  skipped: number;
  latencyP50Milliseconds: number;
  latencyP99Milliseconds: number;
  firstError: string | null;
}

/** One sample a second: RSS from /proc, the heap from the server itself, the sandbox's state file. */
export interface MemorySample {
  /** Seconds since the load started. */
  second: number;
  rssBytes: number;
  heapUsedBytes: number | null;
  heapTotalBytes: number | null;
  externalBytes: number | null;
  sandboxStateBytes: number;
}

/** A least-squares line through a series over a window, and what "flat" means for it. */
export interface Trend {
  fromSecond: number;
  toSecond: number;
  /** Slope × window: what the line says the series grew by over the window. */
  growthBytes: number;
  slopeBytesPerMinute: number;
  /** Two standard deviations of the samples around the line, at least `noiseFloorBytes`. */
  noiseBandBytes: number;
  flat: boolean;
}

export interface SoakResult {
  seconds: number;
  rates: SoakRates;
  kinds: Record<SoakKind, SoakKindResult>;
  samples: MemorySample[];
  /** VmHWM at the end: the peak RSS, also between samples. */
  peakRssBytes: number;
  maxSampledRssBytes: number;
  rssAtWarmUpEndBytes: number;
  rssAtEndBytes: number;
  rssTrend: Trend;
  /**
   * Over the heap right after each full collection in the second half (the live heap), or, with
   * fewer than three of those, over the per-10-second minima of heapUsed.
   */
  heapTrend: Trend | null;
  heapTrendOf: 'after full collections' | '10-second minima';
  /** Full (mark-compact) collections during the load, and the live heap after the last one. */
  majorCollections: number;
  /** The heap and RSS right after each full collection (seconds since the load started). */
  afterMajorCollections: { second: number; heapUsedBytes: number; rssBytes: number }[];
  rssTrendOf: 'after full collections' | 'each second';
  heapAfterLastMajorCollectionBytes: number | null;
  heapUsedAtWarmUpEndBytes: number | null;
  heapUsedAtEndBytes: number | null;
  sandboxStateBytesAtWarmUpEnd: number;
  sandboxStateBytesAtEnd: number;
  cpuSeconds: CpuSnapshot;
}

/** Requests of one kind in flight at most; past it the next ones are skipped and counted. */
const inFlightMax = 16;
const tickMilliseconds = 50;
/** Below this, growth over the window is noise whatever the residuals say (allocator pages, JIT). */
const noiseFloorBytes = 5 * 1024 * 1024;

export interface SoakTargets {
  url: string;
  sandboxUrl: string;
  serverPid: number;
  webhookSecret: string;
  /** Deliveries in order (originals and duplicates), signed again when sent: Stripe's tolerance is 5 minutes. */
  webhookDeliveries: SignedDelivery[];
  meTokens: string[];
  checkoutTokens: string[];
  serviceKey: string;
  spendUserIds: string[];
  /** Console paths to GET: SPA routes (index.html) and its assets. */
  consolePaths: string[];
  memorySamplesFile: string;
  sandboxStateFile: string;
}

/**
 * A steady mixed load for `seconds`: every 50 ms each kind is sent what its rate owes (at most
 * `inFlightMax` waiting at a time), while the server's RSS (/proc/<pid>/status), its own
 * `process.memoryUsage()` (written each second by bench/support/reportMemory.ts) and the size of
 * the sandbox's state file are sampled each second. The first `warmUpSeconds` are warm-up; the
 * trends are fitted over the rest.
 */
export async function runSoak(options: { targets: SoakTargets; rates: SoakRates; seconds: number; warmUpSeconds: number }): Promise<SoakResult> {
  const { targets, rates } = options;
  const senders = createSenders(targets);
  const kinds = Object.keys(rates) as SoakKind[];
  const state = Object.fromEntries(kinds.map((kind) => [kind, { owed: 0, inFlight: 0, sent: 0, ok: 0, failed: 0, skipped: 0, latencies: [] as number[], firstError: null as string | null }]));
  const pending = new Set<Promise<void>>();
  const meter = startCpuMeter({ serverPid: targets.serverPid });
  const started = performance.now();
  const rssSamples: { second: number; rssBytes: number; sandboxStateBytes: number }[] = [];
  const sampleTimer = setInterval(() => {
    rssSamples.push({ second: (performance.now() - started) / 1000, rssBytes: statusBytes(targets.serverPid, 'VmRSS'), sandboxStateBytes: fileBytes(targets.sandboxStateFile) });
  }, 1000);
  const send = (kind: SoakKind) => {
    const entry = state[kind]!;
    entry.inFlight += 1;
    entry.sent += 1;
    const sentAt = performance.now();
    const request = senders[kind]()
      .then(() => {
        entry.ok += 1;
        entry.latencies.push(performance.now() - sentAt);
      })
      .catch((error: unknown) => {
        entry.failed += 1;
        entry.firstError ??= (error as Error).message.slice(0, 300);
      })
      .finally(() => {
        entry.inFlight -= 1;
        pending.delete(request);
      });
    pending.add(request);
  };
  let last = started;
  while (performance.now() - started < options.seconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, tickMilliseconds));
    const now = performance.now();
    for (const kind of kinds) {
      const entry = state[kind]!;
      entry.owed += (rates[kind] * (now - last)) / 1000;
      while (entry.owed >= 1) {
        entry.owed -= 1;
        if (entry.inFlight >= inFlightMax) entry.skipped += 1;
        else send(kind);
      }
    }
    last = now;
  }
  clearInterval(sampleTimer);
  await Promise.all(pending);
  const cpuSeconds = meter.stop();
  const peakRssBytes = statusBytes(targets.serverPid, 'VmHWM');
  const heapSamples = readHeapSamples(targets.memorySamplesFile);
  const startedAtEpoch = Date.now() - (performance.now() - started);
  const samples = joinHeapSamples(rssSamples, heapSamples.filter((sample) => !sample.afterMajorGc), startedAtEpoch);
  const afterMajorCollections = heapSamples
    .filter((sample) => sample.afterMajorGc && sample.at >= startedAtEpoch)
    .map((sample) => ({ second: (sample.at - startedAtEpoch) / 1000, heapUsedBytes: sample.heapUsed, rssBytes: sample.rss }));
  return summarize({ samples, afterMajorCollections, rates, seconds: options.seconds, warmUpSeconds: options.warmUpSeconds, peakRssBytes, cpuSeconds, state });
}

function summarize(options: {
  samples: MemorySample[];
  afterMajorCollections: { second: number; heapUsedBytes: number; rssBytes: number }[];
  rates: SoakRates;
  seconds: number;
  warmUpSeconds: number;
  peakRssBytes: number;
  cpuSeconds: CpuSnapshot;
  state: Record<string, { sent: number; ok: number; failed: number; skipped: number; latencies: number[]; firstError: string | null }>;
}): SoakResult {
  const { samples, warmUpSeconds } = options;
  const afterWarmUp = samples.filter((sample) => sample.second >= warmUpSeconds);
  const atWarmUpEnd = afterWarmUp[0] ?? samples[0]!;
  const atEnd = samples.at(-1)!;
  // Between full collections V8 lets garbage pile up in the old generation (RSS and heap climb by
  // 100 MB and more, then fall): what is left right after a full collection is what a leak grows.
  const collectedAfterWarmUp = options.afterMajorCollections.filter((point) => point.second >= warmUpSeconds);
  const enoughCollections = collectedAfterWarmUp.length >= 3;
  const heapTrendOf = enoughCollections ? 'after full collections' : '10-second minima';
  const heapSeries = enoughCollections ? collectedAfterWarmUp.map((point) => ({ second: point.second, bytes: point.heapUsedBytes })) : tenSecondMinima(afterWarmUp);
  const rssTrendOf = enoughCollections ? 'after full collections' : 'each second';
  const rssSeries = enoughCollections
    ? collectedAfterWarmUp.map((point) => ({ second: point.second, bytes: point.rssBytes }))
    : afterWarmUp.map((sample) => ({ second: sample.second, bytes: sample.rssBytes }));
  const kinds = Object.fromEntries(
    Object.entries(options.state).map(([kind, entry]) => [
      kind,
      {
        sent: entry.sent,
        ok: entry.ok,
        failed: entry.failed,
        skipped: entry.skipped,
        latencyP50Milliseconds: percentile(entry.latencies, 0.5),
        latencyP99Milliseconds: percentile(entry.latencies, 0.99),
        firstError: entry.firstError,
      },
    ]),
  ) as Record<SoakKind, SoakKindResult>;
  return {
    seconds: options.seconds,
    rates: options.rates,
    kinds,
    samples,
    peakRssBytes: options.peakRssBytes,
    maxSampledRssBytes: Math.max(...samples.map((sample) => sample.rssBytes)),
    rssAtWarmUpEndBytes: atWarmUpEnd.rssBytes,
    rssAtEndBytes: atEnd.rssBytes,
    rssTrend: fitTrend(rssSeries),
    rssTrendOf,
    heapTrend: heapSeries.length >= 3 ? fitTrend(heapSeries) : null,
    heapTrendOf,
    majorCollections: options.afterMajorCollections.length,
    afterMajorCollections: options.afterMajorCollections,
    heapAfterLastMajorCollectionBytes: options.afterMajorCollections.at(-1)?.heapUsedBytes ?? null,
    heapUsedAtWarmUpEndBytes: atWarmUpEnd.heapUsedBytes,
    heapUsedAtEndBytes: atEnd.heapUsedBytes,
    sandboxStateBytesAtWarmUpEnd: atWarmUpEnd.sandboxStateBytes,
    sandboxStateBytesAtEnd: atEnd.sandboxStateBytes,
    cpuSeconds: options.cpuSeconds,
  };
}

/** Least squares through the points; flat when the growth it implies stays inside the noise band. */
export function fitTrend(points: { second: number; bytes: number }[]): Trend {
  const count = points.length;
  const meanSecond = points.reduce((sum, point) => sum + point.second, 0) / count;
  const meanBytes = points.reduce((sum, point) => sum + point.bytes, 0) / count;
  let covariance = 0;
  let variance = 0;
  for (const point of points) {
    covariance += (point.second - meanSecond) * (point.bytes - meanBytes);
    variance += (point.second - meanSecond) ** 2;
  }
  const slope = variance === 0 ? 0 : covariance / variance;
  const residualSquares = points.reduce((sum, point) => sum + (point.bytes - (meanBytes + slope * (point.second - meanSecond))) ** 2, 0);
  const noiseBandBytes = Math.max(noiseFloorBytes, 2 * Math.sqrt(residualSquares / Math.max(1, count - 2)));
  const fromSecond = points[0]!.second;
  const toSecond = points.at(-1)!.second;
  const growthBytes = slope * (toSecond - fromSecond);
  return { fromSecond, toSecond, growthBytes, slopeBytesPerMinute: slope * 60, noiseBandBytes, flat: growthBytes <= noiseBandBytes };
}

/** The lowest heapUsed of each 10 seconds: what is live after the collections of that window. */
function tenSecondMinima(samples: MemorySample[]): { second: number; bytes: number }[] {
  const windows = new Map<number, { second: number; bytes: number }>();
  for (const sample of samples) {
    if (sample.heapUsedBytes === null) continue;
    const window = Math.floor(sample.second / 10);
    const known = windows.get(window);
    if (known === undefined || sample.heapUsedBytes < known.bytes) windows.set(window, { second: window * 10 + 5, bytes: sample.heapUsedBytes });
  }
  return [...windows.values()].sort((left, right) => left.second - right.second);
}

interface HeapSample {
  at: number;
  afterMajorGc?: boolean;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

function readHeapSamples(file: string): HeapSample[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as HeapSample);
}

/** Each /proc sample with the server's own report nearest in time (both once a second). */
function joinHeapSamples(rssSamples: { second: number; rssBytes: number; sandboxStateBytes: number }[], heap: HeapSample[], startedAtEpoch: number): MemorySample[] {
  return rssSamples.map((sample) => {
    const at = startedAtEpoch + sample.second * 1000;
    let nearest: HeapSample | null = null;
    for (const candidate of heap) {
      if (nearest === null || Math.abs(candidate.at - at) < Math.abs(nearest.at - at)) nearest = candidate;
    }
    const close = nearest !== null && Math.abs(nearest.at - at) <= 1500;
    return {
      ...sample,
      heapUsedBytes: close ? nearest!.heapUsed : null,
      heapTotalBytes: close ? nearest!.heapTotal : null,
      externalBytes: close ? nearest!.external : null,
    };
  });
}

/** A `kB` field of /proc/<pid>/status (VmRSS, VmHWM) in bytes; 0 when the process is gone. */
function statusBytes(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function fileBytes(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

const meQuery = JSON.stringify({ query: '{ me { credits } }' });
const spendMutation = 'mutation ($input: SpendCreditsInput!) { spendCredits(input: $input) { id balanceAfter } }';
const checkoutMutation = 'mutation ($input: CreateCreditTopUpSessionInput!) { createCreditTopUpSession(input: $input) { sessionId } }';

/** One request of each kind, rejecting on anything but a 2xx without GraphQL errors. */
function createSenders(targets: SoakTargets): Record<SoakKind, () => Promise<void>> {
  let webhook = 0;
  let me = 0;
  let spend = 0;
  let page = 0;
  let checkout = 0;
  const graphql = async (token: string, body: string): Promise<Record<string, unknown>> => {
    const response = await fetch(`${targets.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
    const text = await response.text();
    if (!response.ok || text.includes('"errors"')) throw new Error(`graphql ${response.status}: ${text.slice(0, 300)}`);
    return (JSON.parse(text) as { data: Record<string, unknown> }).data;
  };
  return {
    async webhooks() {
      if (webhook >= targets.webhookDeliveries.length) throw new Error('the soak ran out of planned webhook deliveries');
      const delivery = targets.webhookDeliveries[webhook]!;
      webhook += 1;
      const response = await fetch(`${targets.url}/api/stripe/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signStripePayload(delivery.body, targets.webhookSecret) },
        body: delivery.body,
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`webhook ${response.status}: ${text.slice(0, 300)}`);
    },
    async me() {
      me += 1;
      await graphql(targets.meTokens[me % targets.meTokens.length]!, meQuery);
    },
    async spends() {
      spend += 1;
      const userId = targets.spendUserIds[spend % targets.spendUserIds.length]!;
      await graphql(targets.serviceKey, JSON.stringify({ query: spendMutation, variables: { input: { userId, amount: 1, reason: 'soak', idempotencyKey: `soak:${spend}` } } }));
    },
    async pages() {
      page += 1;
      const response = await fetch(`${targets.url}${targets.consolePaths[page % targets.consolePaths.length]}`, { headers: { 'accept-encoding': 'br, gzip' } });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`console page ${response.status}`);
    },
    async checkouts() {
      checkout += 1;
      const data = await graphql(targets.checkoutTokens[checkout % targets.checkoutTokens.length]!, JSON.stringify({ query: checkoutMutation, variables: { input: { credits: 500 } } }));
      const sessionId = (data.createCreditTopUpSession as { sessionId: string }).sessionId;
      const response = await fetch(`${targets.sandboxUrl}/sandbox/checkout/sessions/${encodeURIComponent(sessionId)}/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'paid' }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`sandbox pay ${response.status}: ${text.slice(0, 300)}`);
    },
  };
}

/** The console paths a visit loads: SPA routes (each answered with index.html) and index.html's assets. */
export function consolePathsOf(indexHtml: string): string[] {
  const assets = [...indexHtml.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);
  return ['/', '/billing', '/history', '/admin/users', ...new Set(assets)];
}
