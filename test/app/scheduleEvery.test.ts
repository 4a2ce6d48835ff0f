import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scheduleEvery } from '../../server/app/scheduleEvery.ts';
import type { Logger } from '../../server/log.ts';

function recordingLog(): Logger & { lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const log: Logger & { lines: typeof lines } = {
    lines,
    log: (level, message, fields) => void lines.push({ level, message, ...(fields ? { fields } : {}) }),
    child: () => log,
  };
  return log;
}

describe('scheduleEvery', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs first after one interval, then every interval', async () => {
    const run = vi.fn(async () => {});
    const stop = scheduleEvery({ name: 'job', intervalSeconds: 10, log: recordingLog(), run });
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(run).toHaveBeenCalledTimes(3);
    await stop();
  });

  it('never runs two at once: a tick while one is in flight is skipped', async () => {
    let finish = () => {};
    const run = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const stop = scheduleEvery({ name: 'job', intervalSeconds: 1, log: recordingLog(), run });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(run).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(run).toHaveBeenCalledTimes(2);
    finish();
    await stop();
  });

  it('logs a failure as "<name> failed" and keeps going', async () => {
    const log = recordingLog();
    const error = new Error('boom');
    const run = vi.fn().mockRejectedValueOnce(error).mockResolvedValue(undefined);
    const stop = scheduleEvery({ name: 'expiry sweep', intervalSeconds: 1, log, run });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(run).toHaveBeenCalledTimes(2);
    expect(log.lines).toEqual([{ level: 'warn', message: 'expiry sweep failed', fields: { error } }]);
    await stop();
  });

  it('stop clears the timer and waits for the run in flight', async () => {
    let finish = () => {};
    let finished = false;
    const run = vi.fn(() => new Promise<void>((resolve) => (finish = () => { finished = true; resolve(); })));
    const stop = scheduleEvery({ name: 'job', intervalSeconds: 1, log: recordingLog(), run });
    await vi.advanceTimersByTimeAsync(1_000);
    let stopped = false;
    const stopping = stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(stopped).toBe(false);
    expect(run).toHaveBeenCalledTimes(1);
    finish();
    await stopping;
    expect(finished).toBe(true);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('does not keep the process alive (the timer is unref\'d)', async () => {
    vi.useRealTimers();
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    const stop = scheduleEvery({ name: 'job', intervalSeconds: 3600, log: recordingLog(), run: async () => {} });
    const timer = setIntervalSpy.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    setIntervalSpy.mockRestore();
    await stop();
  });
});
