import { describe, expect, it } from 'vitest';
import { createPricing } from '../../server/billing/pricing.ts';
import { loadConfig, ConfigError } from '../../server/config.ts';
import { TopupError } from '../../server/errors.ts';

const pricingFor = (environment: Record<string, string>) => createPricing(loadConfig({ DATA_DIR: '/tmp/unused', ...environment }).credits);

describe('pricing, the one source of truth', () => {
  it('charges a cent a credit by default: 71 credits are 71 cents, never 7,100', () => {
    // Proves the old app's bug (unit_amount = credits * 100, a dollar a credit) cannot come back.
    const pricing = pricingFor({});
    expect(pricing.quote(71)).toBe(71);
    expect(pricing.packs).toEqual([
      { credits: 500, amountMinor: 500 },
      { credits: 1000, amountMinor: 1000 },
      { credits: 2500, amountMinor: 2500 },
    ]);
    expect(pricing.creditsMin).toBe(50);
    expect(pricing.creditsMax).toBe(1_000_000);
  });

  it('computes sub-cent prices exactly and rounds half up once, on the total', () => {
    // Proves 0.014 a credit is exact integer math: 71 x 0.014 = 0.994 USD -> 99 cents; 1000 -> 1400; 36 -> 50.4 -> 50; 25 -> 35.
    const pricing = pricingFor({ CREDIT_PRICE: '0.014' });
    expect(pricing.quote(71)).toBe(99);
    expect(pricing.quote(1000)).toBe(1400);
    expect(pricing.quote(36)).toBe(50);
    expect(pricing.creditsMin).toBe(36);
    expect(pricingFor({ CREDIT_PRICE: '0.0125' }).quote(100)).toBe(125);
    expect(pricingFor({ CREDIT_PRICE: '0.0125', TOPUP_CREDITS_MIN: '100' }).quote(101)).toBe(126);
  });

  it('handles zero-decimal and three-decimal currencies', () => {
    // Proves JPY amounts are whole yen with Stripe's 50 yen minimum, and KWD amounts are multiples of 10 fils.
    const yen = pricingFor({ CREDIT_PRICE: '1.5', CREDIT_CURRENCY: 'JPY', CREDIT_PACKS: '100' });
    expect(yen.currencyExponent).toBe(0);
    expect(yen.quote(100)).toBe(150);
    expect(yen.quote(33)).toBe(50);
    expect(yen.creditsMin).toBe(33);
    const dinar = pricingFor({ CREDIT_PRICE: '0.0033', CREDIT_CURRENCY: 'kwd', CREDIT_PACKS: '1000' });
    expect(dinar.currencyExponent).toBe(3);
    expect(dinar.quote(1000)).toBe(3300);
    expect(dinar.quote(1001) % 10).toBe(0);
    const pounds = pricingFor({ CREDIT_CURRENCY: 'gbp', CREDIT_PACKS: '500' });
    expect(pounds.creditsMin).toBe(30);
  });

  it('refuses non-integers, zero, negatives and amounts outside the bounds with BAD_USER_INPUT', () => {
    // Proves every bad credits value is a typed error before anything is charged.
    const pricing = pricingFor({});
    for (const credits of [0, -1, 1.5, 49, 1_000_001, Number.NaN, Number.MAX_SAFE_INTEGER + 2]) {
      expect(() => pricing.quote(credits)).toThrowError(TopupError);
    }
    try {
      pricing.quote(49);
    } catch (error) {
      expect((error as TopupError).code).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses a configuration that would charge less than Stripe allows or packs outside the bounds', () => {
    // Proves misconfiguration stops the boot with the variable named.
    expect(() => pricingFor({ TOPUP_CREDITS_MIN: '10' })).toThrowError(ConfigError);
    expect(() => pricingFor({ CREDIT_PACKS: '20,500' })).toThrowError(/CREDIT_PACKS/);
    expect(() => loadConfig({ CREDIT_PRICE: '-1' })).toThrowError(/CREDIT_PRICE/);
    expect(() => loadConfig({ CREDIT_PRICE: '0' })).toThrowError(/CREDIT_PRICE/);
  });

  it('caps the maximum at Stripe’s largest single charge', () => {
    // Proves a price that would exceed 99,999,999 minor units per charge lowers creditsMax instead of failing at checkout.
    const pricing = pricingFor({ CREDIT_PRICE: '1000', CREDIT_PACKS: '1' , TOPUP_CREDITS_MAX: '1000000' });
    expect(pricing.creditsMax).toBe(999);
    expect(pricing.quote(999)).toBeLessThanOrEqual(99_999_999);
  });
});
