import fs from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';

/**
 * Loaded into the server under test with `--import` (after tsx) by the soak: once a second it appends
 * the process's own `process.memoryUsage()` to `BENCH_MEMORY_SAMPLES_FILE`, one JSON line each, so the
 * bench sees the V8 heap (which /proc cannot show) without the server exposing it; and after each
 * full (mark-compact) collection a line marked `afterMajorGc` with the heap then: what is really
 * live, since between full collections V8 lets garbage pile up in the old generation for minutes.
 * The timer is unref'd, so it never keeps the server alive; the writes are small appends.
 */
const file = process.env.BENCH_MEMORY_SAMPLES_FILE;
if (file) {
  const append = (afterMajorGc: boolean) => {
    const usage = process.memoryUsage();
    const sample = { at: Date.now(), afterMajorGc, rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers };
    fs.appendFileSync(file, `${JSON.stringify(sample)}\n`);
  };
  const timer = setInterval(() => append(false), 1000);
  timer.unref();
  const collections = new PerformanceObserver((list) => {
    const major = list.getEntries().some((entry) => (entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
    if (major) append(true);
  });
  collections.observe({ entryTypes: ['gc'] });
}
