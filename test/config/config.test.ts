import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../server/config.ts';

describe('configuration', () => {
  it('runs with nothing set: PGlite in ./.data, the sandbox, dev auth, port 4000', () => {
    // Proves the contract's defaults: a fresh clone needs no configuration.
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.publicUrl).toBe('http://localhost:4000');
    expect(config.database.kind).toBe('pglite');
    expect(config.stripe.secretKey).toBeNull();
    expect(config.stripe.sandboxPort).toBe(12111);
    expect(config.devAuth).toBe(true);
    expect(config.credits).toMatchObject({ unitPrice: '0.01', currency: 'usd', packs: [500, 1000, 2500], creditsMax: 1_000_000 });
    expect(config.seedDemoData).toBe(true);
  });

  it('reads STRIPE_SANDBOX_URL: a shared sandbox, with its webhook secret, never with a real key', () => {
    // Proves the parse: unset is null (the server starts its own); an http origin with STRIPE_WEBHOOK_SECRET is kept; a path, https, no secret or a real key next to it is refused.
    expect(loadConfig({}).stripe.sandboxUrl).toBeNull();
    expect(loadConfig({ STRIPE_SANDBOX_URL: 'http://127.0.0.1:5999/', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).stripe.sandboxUrl).toBe('http://127.0.0.1:5999');
    expect(() => loadConfig({ STRIPE_SANDBOX_URL: 'http://127.0.0.1:5999' })).toThrowError(/needs STRIPE_WEBHOOK_SECRET/);
    expect(() => loadConfig({ STRIPE_SANDBOX_URL: 'http://127.0.0.1:5999/v1', STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toThrowError(/without a path/);
    expect(() => loadConfig({ STRIPE_SANDBOX_URL: 'https://api.stripe.com', STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toThrowError(/http URL/);
    expect(() => loadConfig({ STRIPE_SANDBOX_URL: 'http://127.0.0.1:5999', STRIPE_WEBHOOK_SECRET: 'whsec_x', STRIPE_SECRET_KEY: 'sk_test_x' })).toThrowError(/exclude each other/);
  });

  it('chooses PostgreSQL for DATABASE_URL and supabase-js for SUPABASE_URL with its key', () => {
    // Proves the adapter choice follows the contract's variables, and half a Supabase configuration is refused.
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).database.kind).toBe('postgres');
    expect(loadConfig({ SUPABASE_URL: 'https://x.supabase.co', SUPABASE_SERVICE_ROLE_KEY: 'k', DATABASE_URL: 'postgres://u@h/db' }).database.kind).toBe('supabase');
    expect(() => loadConfig({ SUPABASE_URL: 'https://x.supabase.co' })).toThrowError(ConfigError);
  });

  it('refuses production without real Stripe keys, a webhook secret and Clerk, and turns dev auth and the seed off there', () => {
    // Proves NODE_ENV=production never runs on the sandbox or dev auth.
    const chosen = { PUBLIC_URL: 'https://credits.example.com', DATABASE_URL: 'postgres://u@h/db' };
    expect(() => loadConfig({ NODE_ENV: 'production', ...chosen })).toThrowError(/STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, CLERK_JWT_KEY or CLERK_SECRET_KEY/);
    expect(() => loadConfig({ NODE_ENV: 'production', ...chosen, STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toThrowError(/CLERK/);
    expect(() => loadConfig({ NODE_ENV: 'production', ...chosen, STRIPE_SECRET_KEY: 'not-a-key', STRIPE_WEBHOOK_SECRET: 'whsec_x', CLERK_SECRET_KEY: 'sk_x' })).toThrowError(/STRIPE_SECRET_KEY must be/);
    const production = loadConfig({ NODE_ENV: 'production', ...chosen, STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_WEBHOOK_SECRET: 'whsec_x', CLERK_SECRET_KEY: 'sk_live_clerk' });
    expect(production.devAuth).toBe(false);
    expect(production.seedDemoData).toBe(false);
    expect(loadConfig({ CLERK_JWT_KEY: '-----BEGIN PUBLIC KEY-----\\nabc\\n-----END PUBLIC KEY-----' }).clerk.jwtKey).toContain('\nabc\n');
    expect(loadConfig({ CLERK_JWT_KEY: 'x' }).devAuth).toBe(false);
  });

  it('reads PURCHASED_CREDITS_EXPIRE_DAYS: unset or empty means purchased credits never expire', () => {
    // Proves the parse: absent and blank give null (never), a whole number of days within 1..36,500 is kept.
    expect(loadConfig({}).purchasedCreditsExpireDays).toBeNull();
    expect(loadConfig({ PURCHASED_CREDITS_EXPIRE_DAYS: ' ' }).purchasedCreditsExpireDays).toBeNull();
    expect(loadConfig({ PURCHASED_CREDITS_EXPIRE_DAYS: '365' }).purchasedCreditsExpireDays).toBe(365);
  });

  it('reads RETENTION_DAYS and RETENTION_SWEEP_SECONDS: 90 days and hourly by default, 0 meaning for ever and off', () => {
    // Proves the parse: the defaults, 0 accepted for both (keep for ever; no job), whole numbers within their bounds kept, and every other value refused naming its variable.
    expect(loadConfig({})).toMatchObject({ retentionDays: 90, retentionSweepSeconds: 3600 });
    expect(loadConfig({ RETENTION_DAYS: '0', RETENTION_SWEEP_SECONDS: '0' })).toMatchObject({ retentionDays: 0, retentionSweepSeconds: 0 });
    expect(loadConfig({ RETENTION_DAYS: '30', RETENTION_SWEEP_SECONDS: '86400' })).toMatchObject({ retentionDays: 30, retentionSweepSeconds: 86_400 });
    expect(loadConfig({ RETENTION_DAYS: ' ' }).retentionDays).toBe(90);
    for (const [name, value, message] of [
      ['RETENTION_DAYS', '-1', /RETENTION_DAYS must be between 0 and 36500, got "-1"/],
      ['RETENTION_DAYS', '36501', /RETENTION_DAYS must be between 0 and 36500/],
      ['RETENTION_DAYS', '90d', /RETENTION_DAYS must be an integer, got "90d"/],
      ['RETENTION_DAYS', '1.5', /RETENTION_DAYS must be an integer/],
      ['RETENTION_SWEEP_SECONDS', '-5', /RETENTION_SWEEP_SECONDS must be between 0 and 86400/],
      ['RETENTION_SWEEP_SECONDS', '86401', /RETENTION_SWEEP_SECONDS must be between 0 and 86400/],
      ['RETENTION_SWEEP_SECONDS', 'hourly', /RETENTION_SWEEP_SECONDS must be an integer/],
    ] as const) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrowError(message);
      expect(() => loadConfig({ [name]: value })).toThrowError(ConfigError);
    }
  });

  it('names the variable of every invalid value', () => {
    // Proves bad configuration stops the boot with a message a person can act on.
    for (const [name, value] of [
      ['PORT', 'eighty'], ['PORT', '70000'], ['CREDIT_PRICE', '1,5'], ['CREDIT_CURRENCY', 'dollars'], ['CREDIT_PACKS', '500,abc'],
      ['TOPUP_CREDITS_MAX', '0'], ['PUBLIC_URL', 'not a url'], ['DATABASE_POOL_SIZE', '0'], ['SEED_DEMO_DATA', 'maybe'],
      ['PURCHASED_CREDITS_EXPIRE_DAYS', '0'], ['PURCHASED_CREDITS_EXPIRE_DAYS', '36501'], ['PURCHASED_CREDITS_EXPIRE_DAYS', '1.5'],
    ] as const) {
      const environment: Record<string, string> = { [name]: value };
      if (name === 'DATABASE_POOL_SIZE') environment.DATABASE_URL = 'postgres://u@h/db';
      expect(() => loadConfig(environment), `${name}=${value}`).toThrowError(new RegExp(name));
    }
  });
});
