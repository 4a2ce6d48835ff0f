import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { vi } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumPath } from './browserAvailability.ts';

const repositoryDirectory = fileURLToPath(new URL('../../../../', import.meta.url));
export const artifactsDirectory = path.join(repositoryDirectory, 'test-artifacts');
export const screenshotsDirectory = path.join(artifactsDirectory, 'screenshots');

/** The flags CI uses for Debian's Chromium: headless, no sandbox (root in a container), nothing phoning home. */
const chromiumArguments = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ConsoleHarness {
  /** The console and API, e.g. http://127.0.0.1:41234. */
  baseUrl: string;
  /** The Stripe sandbox (hosted checkout and control endpoints). */
  sandboxUrl: string;
  context: BrowserContext;
  page: Page;
  /** The server under test (its database and Stripe sandbox), for steps a person would not take in the browser. */
  server: import('../../../support/startTestTopup.ts').TestTopup;
  /** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png. */
  screenshot: (page: Page, name: string) => Promise<void>;
  /** Saves what the window shows as test-artifacts/screenshots/<name>.png and, for the docs, console/docs/<name>.png. */
  docsScreenshot: (name: string) => Promise<void>;
  close: () => Promise<void>;
}

/**
 * Builds the console, boots the whole of Topup in this process through the suites' one harness
 * (`startTestTopup`: free ports, a fresh embedded database seeded with the reference user at 28
 * credits, the Stripe sandbox, dev auth), and opens Chromium with a fresh profile. Configuration
 * comes from an explicit environment, never from the machine's: no Clerk, no real Stripe, no
 * external database.
 */
export async function startConsoleHarness(options: { environment?: Record<string, string>; locale?: string } = {}): Promise<ConsoleHarness> {
  mkdirSync(screenshotsDirectory, { recursive: true });
  await buildConsole();
  const serverLogPath = path.join(artifactsDirectory, 'browser-server.log');
  const { startTestTopup } = await import('../../../support/startTestTopup.ts');
  const server = await startTestTopup({
    seedReferenceUser: true,
    ...(options.environment ? { environment: options.environment } : {}),
    sandboxRetryDelaysMilliseconds: [100, 250, 500, 1000, 2000],
    writeLog: (line) => appendFileSync(serverLogPath, line + '\n'),
  });
  const topup = server.topup;
  if (!topup.stripeSandbox) throw new Error('the browser suites expect the Stripe sandbox (no STRIPE_SECRET_KEY)');

  const userDataDirectory = mkdtempSync(path.join(tmpdir(), 'topup-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDirectory, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArguments,
    viewport: { width: 1280, height: 860 },
    locale: options.locale ?? 'en-US',
    timezoneId: 'UTC',
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);

  return {
    baseUrl: topup.url,
    sandboxUrl: topup.stripeSandbox.url,
    context,
    page,
    server,
    screenshot: async (target, name) => {
      await target.screenshot({ path: path.join(screenshotsDirectory, `${name}.png`), fullPage: true });
    },
    docsScreenshot: async (name) => {
      const file = path.join(screenshotsDirectory, `${name}.png`);
      await page.screenshot({ path: file });
      copyFileSync(file, path.join(repositoryDirectory, 'console/docs', `${name}.png`));
    },
    close: async () => {
      await context.close().catch(() => undefined);
      await server.close();
      rmSync(userDataDirectory, { recursive: true, force: true });
    },
  };
}

/**
 * A production build of the console into console/dist, which the server serves; dev sign-in (no
 * Clerk key). Built once per test run: the journeys run in parallel worker processes of one Vitest
 * run (same parent pid), and two Vite builds writing console/dist at once remove each other's files.
 * The first worker takes a lock directory (mkdir is atomic) and leaves a marker naming the run; the
 * others wait for the marker. A lock older than two minutes is a dead worker's and is taken over.
 */
async function buildConsole(): Promise<void> {
  const lock = path.join(repositoryDirectory, 'console/.build-lock');
  const marker = path.join(repositoryDirectory, 'console/dist', `.built-for-run-${process.ppid}`);
  // Wait until this run's build exists or this worker holds the lock (then it builds).
  const holdsLock = await vi.waitFor(
    () => {
      if (existsSync(marker)) return false;
      if (takeLock(lock)) return true;
      throw new Error('another worker is building the console');
    },
    { timeout: 180_000, interval: 200 },
  );
  if (!holdsLock) return;
  try {
    if (!existsSync(marker)) {
      await buildConsoleNow();
      writeFileSync(marker, '');
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** mkdir is atomic: true when this worker made the lock (or took over a dead worker's, older than two minutes). */
function takeLock(lock: string): boolean {
  const lockedAt = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
  if (lockedAt !== undefined && Date.now() - lockedAt > 120_000) rmSync(lock, { recursive: true, force: true });
  try {
    mkdirSync(lock);
    return true;
  } catch {
    return false;
  }
}

async function buildConsoleNow(): Promise<void> {
  const { build } = await import('vite');
  const saved = { clerkKey: process.env.VITE_CLERK_PUBLISHABLE_KEY, nodeEnvironment: process.env.NODE_ENV };
  delete process.env.VITE_CLERK_PUBLISHABLE_KEY;
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(repositoryDirectory, 'console/vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    if (saved.clerkKey !== undefined) process.env.VITE_CLERK_PUBLISHABLE_KEY = saved.clerkKey;
    if (saved.nodeEnvironment === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved.nodeEnvironment;
  }
}
