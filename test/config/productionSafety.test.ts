import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

/** A production environment that passes every check; each test removes or changes one thing. */
const production = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://credits.example.com',
  DATABASE_URL: 'postgres://topup@db.internal:5432/topup',
  STRIPE_SECRET_KEY: 'sk_live_example',
  STRIPE_WEBHOOK_SECRET: 'whsec_example',
  CLERK_SECRET_KEY: 'sk_live_clerk_example',
};

describe('configuration where users really run Topup', () => {
  it('accepts a complete production environment and binds every interface there, 127.0.0.1 elsewhere', () => {
    // Proves the baseline: the complete environment boots, production binds 0.0.0.0 (HOST overrides), and development stays on loopback.
    const config = loadConfig(production);
    expect([config.mode, config.host, config.allowedHosts, config.devAuth]).toEqual(['production', '0.0.0.0', null, false]);
    expect(loadConfig({ ...production, HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
    const development = loadConfig({});
    expect([development.mode, development.host]).toEqual(['development', '127.0.0.1']);
    expect(development.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(loadConfig({ PUBLIC_URL: 'https://tunnel.example.dev' }).allowedHosts).toContain('tunnel.example.dev');
  });

  it('never falls back to ./.data or localhost in production', () => {
    // Proves the contract: without PUBLIC_URL, or without a database chosen on purpose, production refuses to start, naming what is missing.
    const { PUBLIC_URL: _publicUrl, ...withoutPublicUrl } = production;
    expect(() => loadConfig(withoutPublicUrl)).toThrowError(/PUBLIC_URL/);
    const { DATABASE_URL: _databaseUrl, ...withoutDatabase } = production;
    expect(() => loadConfig(withoutDatabase)).toThrowError(/database chosen on purpose/);
    expect(loadConfig({ ...withoutDatabase, SUPABASE_URL: 'https://x.supabase.co', SUPABASE_SERVICE_ROLE_KEY: 'key' }).database.kind).toBe('supabase');
  });

  it('takes DATABASE_URL=pglite:///absolute/path as an embedded database on purpose, and refuses a relative one', () => {
    // Proves the single-instance production form: an absolute folder on a persistent disk; pglite://relative is an error, not ./.data.
    expect(loadConfig({ ...production, DATABASE_URL: 'pglite:///var/lib/topup' }).database).toEqual({ kind: 'pglite', directory: '/var/lib/topup' });
    expect(loadConfig({ DATABASE_URL: 'pglite:///tmp/topup%20data' }).database).toEqual({ kind: 'pglite', directory: '/tmp/topup data' });
    for (const value of ['pglite://relative/path', 'pglite:', 'pglite:///']) {
      expect(() => loadConfig({ ...production, DATABASE_URL: value }), value).toThrowError(/absolute folder/);
    }
  });

  it('refuses a NODE_ENV it does not know instead of reading it as development', () => {
    // Proves a typo such as "prod" or "staging" stops the boot rather than silently enabling the sandbox and dev sign-in.
    for (const value of ['prod', 'staging', 'Production']) {
      expect(() => loadConfig({ ...production, NODE_ENV: value }), value).toThrowError(ConfigError);
    }
    expect(loadConfig({ NODE_ENV: 'test' }).mode).toBe('test');
  });

  it('never offers development sign-in with a live Stripe key, in any mode', () => {
    // Proves live money and "sign in as anyone" cannot meet: a live key without Clerk is refused in development and test too.
    for (const mode of ['development', 'test']) {
      expect(() => loadConfig({ NODE_ENV: mode, STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' }), mode).toThrowError(/live key/);
    }
    const withClerk = loadConfig({ STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_WEBHOOK_SECRET: 'whsec_x', CLERK_SECRET_KEY: 'sk_test_clerk' });
    expect(withClerk.devAuth).toBe(false);
    expect(loadConfig({ STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).devAuth).toBe(true);
  });

  it('reads LOG_LEVEL, METRICS_TOKEN and the Clerk publishable key, refusing malformed ones', () => {
    // Proves the remaining variables are parsed once here: the Frontend API origin is decoded from Clerk's key format for the CSP.
    const key = `pk_test_${Buffer.from('clean-cat-12.clerk.accounts.dev$').toString('base64')}`;
    const config = loadConfig({ LOG_LEVEL: 'debug', METRICS_TOKEN: 'scrape-me', VITE_CLERK_PUBLISHABLE_KEY: key });
    expect([config.logLevel, config.metricsToken, config.clerk.frontendApiOrigin]).toEqual(['debug', 'scrape-me', 'https://clean-cat-12.clerk.accounts.dev']);
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrowError(/LOG_LEVEL/);
    expect(() => loadConfig({ VITE_CLERK_PUBLISHABLE_KEY: 'pk_test_!!!' })).toThrowError(/VITE_CLERK_PUBLISHABLE_KEY/);
  });
});
