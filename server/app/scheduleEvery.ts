import type { Logger } from '../log.ts';

/**
 * Runs `run` every `intervalSeconds`, first after one interval, never two at once (a tick while
 * one is in flight is skipped). A failure is logged as `<name> failed` and the next tick runs as
 * usual. The timer is unref'd, so it never keeps the process alive. Returns the function that
 * stops it and waits for the run in flight.
 */
export function scheduleEvery(options: { name: string; intervalSeconds: number; log: Logger; run: () => Promise<void> }): () => Promise<void> {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = options
      .run()
      .catch((error: unknown) => options.log.log('warn', `${options.name} failed`, { error }))
      .finally(() => {
        running = null;
      });
  }, options.intervalSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
