import path from 'node:path';
import { parseCreditPrices, type CreditPrice } from './billing/parseCreditPrices.ts';

/**
 * Everything Topup reads from the environment, parsed and validated once at boot. Every variable is
 * listed, with its default and why, in `.env.example` and `docs/reference/configuration.md`; other programs rely on the names.
 */
export interface Config {
  /** `NODE_ENV`: `development` when unset; any other value than these three is refused. */
  mode: 'production' | 'development' | 'test';
  /** `mode === 'production'`: real Stripe, webhook secret, Clerk, PUBLIC_URL and a database chosen on purpose are required; no sandbox, no dev auth. */
  production: boolean;
  /** HTTP port of the API and the console. */
  port: number;
  /**
   * Interface the HTTP server binds: 127.0.0.1 outside production (a laptop's Topup, which signs
   * anyone in, is not reachable from the network), 0.0.0.0 in production (behind the host's proxy).
   */
  host: string;
  /**
   * Host names (without the port) the server answers outside production: localhost,
   * 127.0.0.1, [::1] and PUBLIC_URL's. Anything else is refused, so a web page cannot reach a dev
   * server through DNS rebinding. Null in production: the proxy in front decides.
   */
  allowedHosts: string[] | null;
  /** Express's `trust proxy`: whether (and how many) proxies' X-Forwarded-For name the client, for rate limits by address. */
  trustProxy: boolean | number;
  rateLimits: { checkoutsPerUserPerMinute: number };
  /** When set, `GET /metrics` requires `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  /** debug, info, warn or error. */
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Base of the success and cancel URLs sent to Stripe, without a trailing slash. */
  publicUrl: string;
  /** Folder of the embedded database, the dev-auth signing key and the Stripe sandbox's state. */
  dataDirectory: string;
  database:
    | { kind: 'pglite'; directory: string }
    | { kind: 'postgres'; connectionString: string; poolSizeMax: number; statementTimeoutMilliseconds: number }
    | { kind: 'supabase'; url: string; serviceRoleKey: string };
  stripe: {
    /** Unset: the local Stripe sandbox is started and used. */
    secretKey: string | null;
    /** Unset with the sandbox: the sandbox's own secret is used. */
    webhookSecret: string | null;
    sandboxPort: number;
    /**
     * A sandbox another process runs (several instances sharing one Stripe, as `npm run chaos` does):
     * used instead of starting one. Null: the server starts its own on `sandboxPort`.
     */
    sandboxUrl: string | null;
  };
  clerk: {
    /** PEM public key for networkless verification of session tokens. */
    jwtKey: string | null;
    secretKey: string | null;
    /** Allowed `azp` origins; empty means not checked. */
    authorizedParties: string[];
    /**
     * Origin of the Clerk Frontend API the console talks to (from the publishable key the console is
     * built with), allowed by the Content-Security-Policy. Null without a publishable key.
     */
    frontendApiOrigin: string | null;
    /** `whsec_...` of the Clerk webhook endpoint (`POST /api/clerk/webhooks`); unset: the route is not mounted. */
    webhookSigningSecret: string | null;
  };
  /** Dev auth is on when neither Clerk key is set and not in production. */
  devAuth: boolean;
  adminUserIds: string[];
  serviceApiKeys: string[];
  credits: {
    /**
     * The price list, one entry per offered currency (`CREDIT_PRICES`, or the one-currency
     * `CREDIT_PRICE` + `CREDIT_CURRENCY`); the first is the default. See `billing/parseCreditPrices.ts`.
     */
    prices: CreditPrice[];
    /** The default currency's price of one credit in major units, as a decimal string (e.g. "0.01", "0.014"). */
    unitPrice: string;
    /** The default currency: ISO 4217 code, lower case. */
    currency: string;
    packs: number[];
    /** Explicit lower bound of one purchase; null means derived from Stripe's minimum charge. */
    creditsMinOverride: number | null;
    creditsMax: number;
  };
  /** Seed the reference user with its opening balance (on unless production). */
  seedDemoData: boolean;
  /** Upper bound of a request body (GraphQL and webhooks), in bytes. */
  bodySizeMaxBytes: number;
  /** How often the server reconciles with Stripe (fulfils what webhooks missed); 0 turns it off. */
  reconcileIntervalSeconds: number;
  /**
   * How often every instance sweeps expired lots into EXPIRY entries and marks expired holds (they
   * stop counting at their instant regardless; the sweep only writes it down). 0 turns it off.
   */
  expirySweepSeconds: number;
  /**
   * `PURCHASED_CREDITS_EXPIRE_DAYS`: a purchase lot expires this many days after it is granted;
   * null (unset) means purchased credits never expire. Written to the database at boot
   * (`configure_ledger`), where every purchase grant reads it.
   */
  purchasedCreditsExpireDays: number | null;
  /**
   * `RETENTION_DAYS`: settled webhook deliveries, finished mail, the events nothing references any
   * more and processed Stripe events' JSON are removed this many days after they finished
   * (docs/retention.md); 0 keeps them for ever. Ended rate-limit windows go after a day regardless.
   */
  retentionDays: number;
  /** `RETENTION_SWEEP_SECONDS`: how often every instance runs the retention job; 0 turns it off. */
  retentionSweepSeconds: number;
  /** Outbound webhooks to the app (docs/webhooks.md). */
  webhooks: {
    /** `APP_WEBHOOK_URL` + `APP_WEBHOOK_SECRET` (set together): the endpoint `default`, which takes every event. */
    defaultEndpoint: { url: string; secret: string } | null;
    /** `LOW_BALANCE_CREDITS`: below this balance a user's `balance.low` is announced (per user: `setLowBalanceThreshold`). */
    lowBalanceCredits: number;
    /** `WEBHOOK_WORKER_INTERVAL_MS`: the idle poll: how long each instance's worker waits after a claim that was not full; 0 turns its worker off. */
    workerIntervalMilliseconds: number;
    /** `WEBHOOK_ATTEMPT_TIMEOUT_MS`: how long one POST may take before it counts as failed. */
    attemptTimeoutMilliseconds: number;
  };
  /** Mail to users: receipts, failed payments, low balance, auto top-up (docs/mail.md). */
  mail: {
    /** `SMTP_URL` (smtp:// or smtps://, credentials in the URL); null: mail is kept in `DATA_DIR/mail` and shown in the preview. */
    smtpUrl: string | null;
    /** `MAIL_FROM`: the From of every mail, an address or `Name <address>`. */
    from: string;
    /** `MAIL_WORKER_INTERVAL_MS`: how often each instance looks for due mail; 0 turns its worker off. */
    workerIntervalMilliseconds: number;
    /** `MAIL_SEND_TIMEOUT_MS`: how long connecting, the greeting and each SMTP exchange may take before the send counts as failed. */
    sendTimeoutMilliseconds: number;
  };
  /** Auto top-ups (docs/auto-top-up.md). */
  autoTopUp: {
    /** `AUTO_TOP_UP_WORKER_INTERVAL_MS`: how often each instance looks for due auto top-ups to pay; 0 turns its worker off. */
    workerIntervalMilliseconds: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Environment = Record<string, string | undefined>;

/** Parses the environment; throws `ConfigError` naming the variable on any invalid value. */
export function loadConfig(environment: Environment = process.env): Config {
  const read = (name: string): string | undefined => {
    const value = environment[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const mode = parseMode(read('NODE_ENV'));
  const production = mode === 'production';
  const port = parseInteger(read('PORT') ?? '4000', 'PORT', { min: 0, max: 65535 });
  if (production && read('PUBLIC_URL') === undefined) {
    throw new ConfigError('NODE_ENV=production refuses to start without PUBLIC_URL (the address browsers and Stripe reach)');
  }
  const publicUrl = (read('PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const publicHostname = parseUrl(publicUrl, 'PUBLIC_URL').hostname;
  const dataDirectory = path.resolve(read('DATA_DIR') ?? './.data');
  const host = read('HOST') ?? (production ? '0.0.0.0' : '127.0.0.1');
  const creditPrices = parseCreditPrices(
    { creditPrices: read('CREDIT_PRICES'), creditPrice: read('CREDIT_PRICE'), creditCurrency: read('CREDIT_CURRENCY') },
    (message) => new ConfigError(message),
  );

  const config: Config = {
    mode,
    production,
    port,
    host,
    allowedHosts: production ? null : [...new Set(['localhost', '127.0.0.1', '[::1]', publicHostname])],
    metricsToken: read('METRICS_TOKEN') ?? null,
    trustProxy: parseTrustProxy(read('TRUST_PROXY') ?? 'false'),
    rateLimits: {
      checkoutsPerUserPerMinute: parseInteger(read('RATE_LIMIT_CHECKOUTS_PER_MINUTE') ?? '10', 'RATE_LIMIT_CHECKOUTS_PER_MINUTE', { min: 1, max: 10_000 }),
    },
    logLevel: parseLogLevel(read('LOG_LEVEL') ?? 'info'),
    publicUrl,
    dataDirectory,
    database: parseDatabase(read, dataDirectory, production),
    stripe: {
      secretKey: read('STRIPE_SECRET_KEY') ?? null,
      webhookSecret: read('STRIPE_WEBHOOK_SECRET') ?? null,
      sandboxPort: parseInteger(read('STRIPE_SANDBOX_PORT') ?? '12111', 'STRIPE_SANDBOX_PORT', { min: 0, max: 65535 }),
      sandboxUrl: parseSandboxUrl(read),
    },
    clerk: {
      jwtKey: read('CLERK_JWT_KEY')?.replace(/\\n/g, '\n') ?? null,
      secretKey: read('CLERK_SECRET_KEY') ?? null,
      authorizedParties: parseList(read('CLERK_AUTHORIZED_PARTIES')),
      frontendApiOrigin: parseClerkPublishableKey(read('VITE_CLERK_PUBLISHABLE_KEY')),
      webhookSigningSecret: parseWebhookSecret(read('CLERK_WEBHOOK_SIGNING_SECRET'), 'CLERK_WEBHOOK_SIGNING_SECRET'),
    },
    devAuth: false,
    adminUserIds: parseList(read('ADMIN_USER_IDS')),
    serviceApiKeys: parseList(read('SERVICE_API_KEYS')),
    credits: {
      prices: creditPrices,
      unitPrice: creditPrices[0]!.unitPrice,
      currency: creditPrices[0]!.currency,
      packs: parseList(read('CREDIT_PACKS') ?? '500,1000,2500').map((pack) =>
        parseInteger(pack, 'CREDIT_PACKS', { min: 1, max: Number.MAX_SAFE_INTEGER }),
      ),
      creditsMinOverride:
        read('TOPUP_CREDITS_MIN') === undefined
          ? null
          : parseInteger(read('TOPUP_CREDITS_MIN')!, 'TOPUP_CREDITS_MIN', { min: 1, max: Number.MAX_SAFE_INTEGER }),
      creditsMax: parseInteger(read('TOPUP_CREDITS_MAX') ?? '1000000', 'TOPUP_CREDITS_MAX', {
        min: 1,
        max: Number.MAX_SAFE_INTEGER,
      }),
    },
    seedDemoData: parseBoolean(read('SEED_DEMO_DATA') ?? (production ? 'false' : 'true'), 'SEED_DEMO_DATA'),
    bodySizeMaxBytes: parseInteger(read('BODY_SIZE_MAX_BYTES') ?? '262144', 'BODY_SIZE_MAX_BYTES', {
      min: 1024,
      max: 10 * 1024 * 1024,
    }),
    reconcileIntervalSeconds: parseInteger(read('RECONCILE_INTERVAL_SECONDS') ?? '600', 'RECONCILE_INTERVAL_SECONDS', {
      min: 0,
      max: 86_400,
    }),
    expirySweepSeconds: parseInteger(read('EXPIRY_SWEEP_SECONDS') ?? '60', 'EXPIRY_SWEEP_SECONDS', { min: 0, max: 3600 }),
    purchasedCreditsExpireDays: parseOptionalInteger(read('PURCHASED_CREDITS_EXPIRE_DAYS'), 'PURCHASED_CREDITS_EXPIRE_DAYS', { min: 1, max: 36_500 }),
    retentionDays: parseInteger(read('RETENTION_DAYS') ?? '90', 'RETENTION_DAYS', { min: 0, max: 36_500 }),
    retentionSweepSeconds: parseInteger(read('RETENTION_SWEEP_SECONDS') ?? '3600', 'RETENTION_SWEEP_SECONDS', { min: 0, max: 86_400 }),
    webhooks: {
      defaultEndpoint: parseDefaultWebhookEndpoint(read('APP_WEBHOOK_URL'), read('APP_WEBHOOK_SECRET')),
      lowBalanceCredits: parseInteger(read('LOW_BALANCE_CREDITS') ?? '100', 'LOW_BALANCE_CREDITS', { min: 0, max: Number.MAX_SAFE_INTEGER }),
      workerIntervalMilliseconds: parseInteger(read('WEBHOOK_WORKER_INTERVAL_MS') ?? '200', 'WEBHOOK_WORKER_INTERVAL_MS', { min: 0, max: 600_000 }),
      attemptTimeoutMilliseconds: parseInteger(read('WEBHOOK_ATTEMPT_TIMEOUT_MS') ?? '10000', 'WEBHOOK_ATTEMPT_TIMEOUT_MS', { min: 100, max: 60_000 }),
    },
    mail: {
      smtpUrl: parseSmtpUrl(read('SMTP_URL')),
      from: parseMailFrom(read('MAIL_FROM') ?? 'Topup <no-reply@localhost>'),
      workerIntervalMilliseconds: parseInteger(read('MAIL_WORKER_INTERVAL_MS') ?? '1000', 'MAIL_WORKER_INTERVAL_MS', { min: 0, max: 600_000 }),
      sendTimeoutMilliseconds: parseInteger(read('MAIL_SEND_TIMEOUT_MS') ?? '15000', 'MAIL_SEND_TIMEOUT_MS', { min: 100, max: 120_000 }),
    },
    autoTopUp: {
      workerIntervalMilliseconds: parseInteger(read('AUTO_TOP_UP_WORKER_INTERVAL_MS') ?? '1000', 'AUTO_TOP_UP_WORKER_INTERVAL_MS', { min: 0, max: 600_000 }),
    },
  };
  const clerkConfigured = config.clerk.jwtKey !== null || config.clerk.secretKey !== null;
  // Live money never meets development sign-in (which signs anyone in as anyone), in any mode.
  if (config.stripe.secretKey?.startsWith('sk_live_') && !clerkConfigured) {
    throw new ConfigError('STRIPE_SECRET_KEY is a live key: configure Clerk (CLERK_JWT_KEY or CLERK_SECRET_KEY); development sign-in is never offered with live payments');
  }
  config.devAuth = !production && !clerkConfigured;
  if (config.credits.packs.length === 0) throw new ConfigError('CREDIT_PACKS must list at least one pack size');
  if (production) assertProductionReady(config);
  return Object.freeze(config);
}

function parseDatabase(read: (name: string) => string | undefined, dataDirectory: string, production: boolean): Config['database'] {
  const supabaseUrl = read('SUPABASE_URL');
  const supabaseKey = read('SUPABASE_SERVICE_ROLE_KEY');
  if ((supabaseUrl === undefined) !== (supabaseKey === undefined)) {
    throw new ConfigError('SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY must be set together');
  }
  if (supabaseUrl !== undefined && supabaseKey !== undefined) {
    parseUrl(supabaseUrl, 'SUPABASE_URL');
    return { kind: 'supabase', url: supabaseUrl, serviceRoleKey: supabaseKey };
  }
  const connectionString = read('DATABASE_URL');
  if (connectionString?.startsWith('pglite:')) return { kind: 'pglite', directory: parsePgliteUrl(connectionString) };
  if (connectionString !== undefined) {
    return {
      kind: 'postgres',
      connectionString,
      poolSizeMax: parseInteger(read('DATABASE_POOL_SIZE') ?? '10', 'DATABASE_POOL_SIZE', { min: 1, max: 200 }),
      statementTimeoutMilliseconds: parseInteger(
        read('DATABASE_STATEMENT_TIMEOUT_MS') ?? '15000',
        'DATABASE_STATEMENT_TIMEOUT_MS',
        { min: 100, max: 600000 },
      ),
    };
  }
  // An ephemeral disk would lose every balance at the next deploy: production names its database.
  if (production) {
    throw new ConfigError(
      'NODE_ENV=production refuses to start without a database chosen on purpose: DATABASE_URL (PostgreSQL), ' +
        'SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY, or DATABASE_URL=pglite:///absolute/path for one instance on a persistent disk',
    );
  }
  return { kind: 'pglite', directory: path.join(dataDirectory, 'pglite') };
}

/** `pglite:///absolute/path`: the embedded database in that folder. Relative paths are refused. */
function parsePgliteUrl(value: string): string {
  const match = /^pglite:\/\/(\/.*)$/.exec(value);
  if (match === null || match[1] === '/' ) {
    throw new ConfigError(`DATABASE_URL=pglite:// needs an absolute folder, like pglite:///var/lib/topup, got "${value}"`);
  }
  return path.resolve(decodeURIComponent(match[1]!));
}

/** `pk_test_<base64 of "<frontend api host>$">` (Clerk's format) -> `https://<host>`. */
function parseClerkPublishableKey(value: string | undefined): string | null {
  if (value === undefined) return null;
  const match = /^pk_(test|live)_([A-Za-z0-9+/=_-]+)$/.exec(value);
  const host = match ? Buffer.from(match[2]!, 'base64').toString('utf8').replace(/\$$/, '') : '';
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(host)) {
    throw new ConfigError('VITE_CLERK_PUBLISHABLE_KEY must be a Clerk publishable key (pk_test_... or pk_live_...)');
  }
  return `https://${host}`;
}

/** `false` (the default: the socket's address), `true` (any proxy), or the number of proxy hops to trust. */
function parseTrustProxy(value: string): boolean | number {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  throw new ConfigError(`TRUST_PROXY must be true, false or a number of proxy hops, got "${value}"`);
}

/** The app's endpoint: an http(s) URL without credentials and a whsec_ secret, both or neither. */
function parseDefaultWebhookEndpoint(url: string | undefined, secret: string | undefined): Config['webhooks']['defaultEndpoint'] {
  if ((url === undefined) !== (secret === undefined)) throw new ConfigError('APP_WEBHOOK_URL and APP_WEBHOOK_SECRET must be set together');
  if (url === undefined) return null;
  const parsed = parseUrl(url, 'APP_WEBHOOK_URL');
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError('APP_WEBHOOK_URL must be an http or https URL');
  if (parsed.username !== '' || parsed.password !== '') throw new ConfigError('APP_WEBHOOK_URL must not contain credentials');
  return { url: parsed.toString(), secret: parseWebhookSecret(secret, 'APP_WEBHOOK_SECRET')! };
}

/** smtp://[user:pass@]host[:port][?options] or smtps://...; the URL's credentials never reach a log. */
function parseSmtpUrl(value: string | undefined): string | null {
  if (value === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    // Not echoed: the URL may carry the SMTP password.
    throw new ConfigError('SMTP_URL must be a URL (smtp://user:pass@host:587 or smtps://host:465)');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new ConfigError('SMTP_URL must be an smtp:// or smtps:// URL');
  if (parsed.hostname === '') throw new ConfigError('SMTP_URL must name a host');
  return value;
}

/** `billing@example.com` or `Topup <billing@example.com>`: one address, no line breaks (a header). */
function parseMailFrom(value: string): string {
  if (!/^(?:[^<>\r\n@]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/.test(value)) {
    throw new ConfigError(`MAIL_FROM must be an address or "Name <address>", got "${value}"`);
  }
  return value;
}

function parseWebhookSecret(value: string | undefined, name: string): string | null {
  if (value === undefined) return null;
  if (!/^whsec_[A-Za-z0-9+/=]{16,}$/.test(value)) throw new ConfigError(`${name} must be a webhook signing secret (whsec_...)`);
  return value;
}

/**
 * STRIPE_SANDBOX_URL: an `http` URL of a running sandbox, without a path. It needs the sandbox's
 * webhook secret (STRIPE_WEBHOOK_SECRET: the server cannot read another process's) and excludes
 * STRIPE_SECRET_KEY (real Stripe is never reached through it).
 */
function parseSandboxUrl(read: (name: string) => string | undefined): string | null {
  const value = read('STRIPE_SANDBOX_URL');
  if (value === undefined) return null;
  const url = parseUrl(value, 'STRIPE_SANDBOX_URL');
  if (url.protocol !== 'http:' || (url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.username !== '') {
    throw new ConfigError('STRIPE_SANDBOX_URL must be an http URL without a path, e.g. http://127.0.0.1:12111');
  }
  if (read('STRIPE_SECRET_KEY') !== undefined) throw new ConfigError('STRIPE_SANDBOX_URL and STRIPE_SECRET_KEY exclude each other: a sandbox or real Stripe');
  if (read('STRIPE_WEBHOOK_SECRET') === undefined) throw new ConfigError('STRIPE_SANDBOX_URL needs STRIPE_WEBHOOK_SECRET (the sandbox\'s signing secret)');
  return url.origin;
}

function parseMode(value: string | undefined): Config['mode'] {
  const mode = value ?? 'development';
  if (mode !== 'production' && mode !== 'development' && mode !== 'test') {
    throw new ConfigError(`NODE_ENV must be production, development or test, got "${mode}"`);
  }
  return mode;
}

function parseLogLevel(value: string): Config['logLevel'] {
  if (value !== 'debug' && value !== 'info' && value !== 'warn' && value !== 'error') {
    throw new ConfigError(`LOG_LEVEL must be debug, info, warn or error, got "${value}"`);
  }
  return value;
}

function assertProductionReady(config: Config): void {
  const missing: string[] = [];
  if (config.stripe.secretKey === null) missing.push('STRIPE_SECRET_KEY');
  if (config.stripe.webhookSecret === null) missing.push('STRIPE_WEBHOOK_SECRET');
  if (config.clerk.jwtKey === null && config.clerk.secretKey === null) missing.push('CLERK_JWT_KEY or CLERK_SECRET_KEY');
  if (missing.length > 0) {
    throw new ConfigError(`NODE_ENV=production refuses to start without ${missing.join(', ')}`);
  }
  if (config.stripe.secretKey !== null && !/^(sk|rk)_(test|live)_/.test(config.stripe.secretKey)) {
    throw new ConfigError('STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_test_..., sk_live_...)');
  }
}

function parseInteger(value: string, name: string, bounds: { min: number; max: number }): number {
  if (!/^-?\d+$/.test(value)) throw new ConfigError(`${name} must be an integer, got "${value}"`);
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < bounds.min || parsed > bounds.max) {
    throw new ConfigError(`${name} must be between ${bounds.min} and ${bounds.max}, got "${value}"`);
  }
  return parsed;
}

/** An integer within bounds, or null when the variable is unset or empty. */
function parseOptionalInteger(value: string | undefined, name: string, bounds: { min: number; max: number }): number | null {
  return value === undefined ? null : parseInteger(value, name, bounds);
}

function parseBoolean(value: string, name: string): boolean {
  if (['1', 'true', 'yes', 'on'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

function parseUrl(value: string, name: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${value}"`);
  }
}

function parseList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
