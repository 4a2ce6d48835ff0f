import { describe, expect, it } from 'vitest';
import { fitTrend } from '../../bench/soak.ts';
import { seededRandom } from '../../bench/support/statistics.ts';

const megabyte = 1024 * 1024;

/** A series of one sample a second: `base`, plus `slopePerMinute` growth, plus uniform noise of ±`noise`. */
function series(options: { seconds: number; base: number; slopePerMinute: number; noise: number; sawtooth?: number }): { second: number; bytes: number }[] {
  const random = seededRandom(7);
  return Array.from({ length: options.seconds }, (_, second) => ({
    second,
    bytes: options.base + (options.slopePerMinute * second) / 60 + (random() * 2 - 1) * options.noise + ((second % 20) / 20) * (options.sawtooth ?? 0),
  }));
}

describe('the soak judges memory flat only when the growth over the window stays inside the noise', () => {
  it('calls a noisy series with a garbage-collection sawtooth and no trend flat, and recovers its slope near zero', () => {
    const trend = fitTrend(series({ seconds: 300, base: 180 * megabyte, slopePerMinute: 0, noise: 3 * megabyte, sawtooth: 20 * megabyte }));
    expect(trend.flat).toBe(true);
    expect(Math.abs(trend.slopeBytesPerMinute)).toBeLessThan(0.5 * megabyte);
  });

  it('calls a leak of 3 MB a minute over 5 minutes growing, although each step is below the noise of the samples', () => {
    const trend = fitTrend(series({ seconds: 300, base: 180 * megabyte, slopePerMinute: 3 * megabyte, noise: 3 * megabyte }));
    expect(trend.flat).toBe(false);
    expect(trend.growthBytes / megabyte).toBeGreaterThan(13);
    expect(trend.growthBytes / megabyte).toBeLessThan(17);
  });

  it('never calls less growth than the 5 MB floor growing, however quiet the samples', () => {
    expect(fitTrend(series({ seconds: 300, base: 100 * megabyte, slopePerMinute: 0.8 * megabyte, noise: 0 })).flat).toBe(true);
    expect(fitTrend(series({ seconds: 300, base: 100 * megabyte, slopePerMinute: 1.2 * megabyte, noise: 0 })).flat).toBe(false);
  });
});
