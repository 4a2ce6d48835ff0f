import fs from 'node:fs';

/**
 * Loaded into the server under test with `--import` (after tsx) by the soak: once a second it appends
 * the process's own `process.memoryUsage()` to `BENCH_MEMORY_SAMPLES_FILE`, one JSON line each, so the
 * bench sees the V8 heap (which /proc cannot show) without the server exposing it. The timer is
 * unref'd, so it never keeps the server alive; the write is one small append a second.
 */
const file = process.env.BENCH_MEMORY_SAMPLES_FILE;
if (file) {
  const timer = setInterval(() => {
    const usage = process.memoryUsage();
    const sample = { at: Date.now(), rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers };
    fs.appendFileSync(file, `${JSON.stringify(sample)}\n`);
  }, 1000);
  timer.unref();
}
