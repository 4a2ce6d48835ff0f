import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { repositoryDirectory } from './support/serverProcess.ts';
import { median } from './support/statistics.ts';

export const chromiumPath = '/usr/bin/chromium';
const distDirectory = path.join(repositoryDirectory, 'console', 'dist');

export interface InitialJavaScript {
  files: { file: string; bytes: number; gzipBytes: number }[];
  bytes: number;
  gzipBytes: number;
}

/** `npm run build:console` (Vite, production mode, dev sign-in: no Clerk key); returns its seconds. */
export function buildConsole(): number {
  const started = performance.now();
  const environment: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  delete environment.VITE_CLERK_PUBLISHABLE_KEY;
  execFileSync('npm', ['run', '--silent', 'build:console'], { cwd: repositoryDirectory, stdio: 'ignore', env: environment });
  return (performance.now() - started) / 1000;
}

export function consoleBuilt(): boolean {
  return fs.existsSync(path.join(distDirectory, 'index.html'));
}

/**
 * The JavaScript a first visit must download before the console can run: `index.html`'s module
 * script and everything it imports statically (modulepreload links and `import ... from` of the
 * chunks, followed transitively). Lazy routes (`import("./X.js")`) are left out. Sizes are raw and
 * gzip level 9 (what a compressing proxy or CDN serves).
 */
export function measureInitialJavaScript(): InitialJavaScript {
  const html = fs.readFileSync(path.join(distDirectory, 'index.html'), 'utf8');
  const entries = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map((match) => match[1]!);
  const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((match) => match[1]!);
  const seen = new Set<string>();
  const queue = [...entries, ...preloads].map((href) => href.replace(/^\//, ''));
  while (queue.length > 0) {
    const file = path.normalize(queue.shift()!);
    if (seen.has(file)) continue;
    seen.add(file);
    const source = fs.readFileSync(path.join(distDirectory, file), 'utf8');
    // Static imports only: `import x from "./a.js"`, `import "./a.js"`, `export ... from "./a.js"`.
    for (const match of source.matchAll(/(?:^|[;\n}])\s*(?:import|export)\s*(?:[\w*{}\s,$]+\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g)) {
      queue.push(path.join(path.dirname(file), match[1]!));
    }
  }
  const files = [...seen].map((file) => {
    const content = fs.readFileSync(path.join(distDirectory, file));
    return { file, bytes: content.length, gzipBytes: zlib.gzipSync(content, { level: 9 }).length };
  });
  return {
    files,
    bytes: files.reduce((sum, file) => sum + file.bytes, 0),
    gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0),
  };
}

/**
 * Time from navigation start to a usable billing page in headless Chromium, with a cold cache each
 * time (a fresh browser context) and an already signed-in user (the dev token in localStorage, as the
 * console keeps it): the balance is shown and the first pack's Buy button is enabled. Read from the
 * page's own clock (`performance.now()` counts from navigation start). Median of `samples`.
 */
export async function measureTimeToUsableBilling(options: { url: string; token: string; samples: number }): Promise<{ medianMilliseconds: number; samples: number[] }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const samples: number[] = [];
  try {
    for (let index = 0; index < options.samples + 1; index += 1) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
      await context.addInitScript((token) => window.localStorage.setItem('topup.devToken', token), options.token);
      const page = await context.newPage();
      await page.goto(`${options.url}/billing`, { waitUntil: 'commit' });
      const usableAt = await page.waitForFunction(
        () => {
          const buy = document.querySelector<HTMLButtonElement>('button[aria-label^="Buy 500 credits"]');
          const balance = document.querySelector('[data-testid="balance"]');
          return buy !== null && !buy.disabled && /credits/.test(balance?.textContent ?? '') ? performance.now() : null;
        },
        undefined,
        { timeout: 30_000, polling: 'raf' },
      );
      const milliseconds = (await usableAt.jsonValue()) as number;
      // The first visit warms the server (file reads, GraphQL caches); it is not counted.
      if (index > 0) samples.push(milliseconds);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { medianMilliseconds: median(samples), samples };
}
