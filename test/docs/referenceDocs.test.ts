import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEnumType } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../packages/stripe-sandbox/src/http/apiRoutes.ts';
import type { AppServices } from '../../server/app/appServices.ts';
import { createApp } from '../../server/app/createApp.ts';
import { stripeApiVersion } from '../../server/billing/stripe/createStripeClient.ts';
import { handledStripeEventTypes } from '../../server/billing/handleStripeEvent.ts';
import { loadConfig } from '../../server/config.ts';
import { errorCodes } from '../../server/errors.ts';
import { createGraphQLSchema } from '../../server/graphql/createGraphQLSchema.ts';
import { silentLogger } from '../../server/log.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (relativePath: string): string => readFileSync(path.join(root, relativePath), 'utf8');
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A reference table row that starts with `name` in backticks: `| \`NAME\` |`. */
const hasRow = (markdown: string, name: string): boolean => new RegExp(`^\\| \`${escapeRegExp(name)}\` \\|`, 'm').test(markdown);
const missingRows = (markdown: string, names: Iterable<string>): string[] => [...names].filter((name) => !hasRow(markdown, name));

/** `path` in backticks, optionally after its methods: `POST /api/dev/token`, `GET /healthz`, `/graphql`. */
const methods = '(?:GET|POST|PUT|PATCH|DELETE|HEAD)';
const mentionsPath = (markdown: string, routePath: string, method?: string): boolean =>
  new RegExp(`\`${method ?? `(?:${methods}(?:, ${methods})* )?`}${method ? ' ' : ''}${escapeRegExp(routePath)}\``).test(markdown);

/** The paths the contract names for the server; the app must register each and http.md must document each. */
const contractPaths = ['/graphql', '/api/stripe/webhooks', '/healthz', '/readyz', '/metrics', '/api/dev/token'];

describe('reference docs', () => {
  const temporaryDirectories: string[] = [];

  afterAll(() => {
    for (const directory of temporaryDirectories) rmSync(directory, { recursive: true, force: true });
  });

  it('lists every environment variable that server/config.ts reads, in .env.example and configuration.md', () => {
    // Proves the three lists agree: names parsed from `read('NAME')` in config.ts equal the `NAME=` / `# NAME=` lines of .env.example, and each has a row in configuration.md.
    const readInConfig = new Set([...read('server/config.ts').matchAll(/\bread\(\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\)/g)].map((match) => match[1]!));
    const inExample = new Set([...read('.env.example').matchAll(/^#?[ \t]*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]!));
    expect(readInConfig.size).toBeGreaterThan(10);
    const difference = {
      readByConfigButNotInEnvExample: [...readInConfig].filter((name) => !inExample.has(name)).sort(),
      inEnvExampleButNotReadByConfig: [...inExample].filter((name) => !readInConfig.has(name)).sort(),
    };
    expect(difference).toEqual({ readByConfigButNotInEnvExample: [], inEnvExampleButNotReadByConfig: [] });
    expect(missingRows(read('docs/reference/configuration.md'), readInConfig)).toEqual([]);
  });

  it('documents every error code of server/errors.ts in errors.md', () => {
    // Proves errors.md keeps up with the code: each value of `errorCodes` has its own row in the table.
    const codes = Object.values(errorCodes);
    expect(codes.length).toBeGreaterThan(0);
    expect(missingRows(read('docs/reference/errors.md'), codes)).toEqual([]);
  });

  it('documents every root Query and Mutation field of the executable schema in graphql.md', () => {
    // Proves graphql.md lists the API as served: the fields of the schema built by createGraphQLSchema(), each with its own row.
    const schema = createGraphQLSchema();
    const queryFields = Object.keys(schema.getQueryType()!.getFields());
    const mutationFields = Object.keys(schema.getMutationType()!.getFields());
    expect(queryFields).toContain('me');
    const graphqlDoc = read('docs/reference/graphql.md');
    expect({ query: missingRows(graphqlDoc, queryFields), mutation: missingRows(graphqlDoc, mutationFields) }).toEqual({ query: [], mutation: [] });
  });

  it('documents every enum value and the custom scalars of the schema in graphql.md', () => {
    // Proves the enum and scalar tables are complete: each schema enum has a row naming each of its values, and SafeInt and DateTime have rows.
    const schema = createGraphQLSchema();
    const graphqlDoc = read('docs/reference/graphql.md');
    const enums = Object.values(schema.getTypeMap()).filter((type) => isEnumType(type) && !type.name.startsWith('__'));
    expect(enums.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const enumType of enums) {
      if (!isEnumType(enumType)) continue;
      const row = graphqlDoc.split('\n').find((line) => line.startsWith(`| \`${enumType.name}\` |`));
      if (row === undefined) missing.push(enumType.name);
      else for (const value of enumType.getValues()) if (!row.includes(`\`${value.name}\``)) missing.push(`${enumType.name}.${value.name}`);
    }
    expect(missing).toEqual([]);
    expect(missingRows(graphqlDoc, ['SafeInt', 'DateTime'])).toEqual([]);
  });

  it("documents the contract's HTTP paths in http.md", () => {
    // Proves http.md names each path other programs rely on, in backticks (with its method where it has one).
    const httpDoc = read('docs/reference/http.md');
    expect(contractPaths.filter((routePath) => !mentionsPath(httpDoc, routePath))).toEqual([]);
  });

  it('documents every route the app registers, and the app registers every contract path', () => {
    // Proves http.md matches the routes createApp() mounts: the string paths of Express's route layers, collected from a dev-mode app with stub services, are all documented and include the contract's.
    const dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'topup-docs-'));
    temporaryDirectories.push(dataDirectory);
    const services = {
      config: loadConfig({ DATA_DIR: dataDirectory }),
      log: silentLogger,
      storage: { kind: 'pglite', checkReady: async () => ({ ready: true, detail: 'stub' }), call: async () => null, close: async () => undefined },
      ledger: {},
      billing: {},
    } as unknown as AppServices;
    const app = createApp(services);
    const registered = [...new Set(routePathsOf((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, ''))].sort();
    expect(contractPaths.filter((routePath) => !registered.includes(routePath))).toEqual([]);
    const httpDoc = read('docs/reference/http.md');
    expect(registered.filter((routePath) => !mentionsPath(httpDoc, routePath))).toEqual([]);
  });

  it("documents every Stripe API endpoint of the sandbox in http.md's Stripe sandbox section", () => {
    // Proves the sandbox's `/v1` table is complete: each exported API route (`:id` written `{id}`) appears with its method after the "Stripe sandbox" heading.
    const httpDoc = read('docs/reference/http.md');
    const sandboxSection = httpDoc.slice(httpDoc.indexOf('\n## Stripe sandbox'));
    expect(sandboxSection.length).toBeLessThan(httpDoc.length);
    const missing = apiRoutes
      .map((route) => ({ method: route.method, path: route.pattern.replace(/:([a-z_]+)/g, '{$1}') }))
      .filter((route) => !mentionsPath(sandboxSection, route.path, route.method))
      .map((route) => `${route.method} ${route.path}`);
    expect(missing).toEqual([]);
  });

  it('documents every handled Stripe event type and the pinned API version in stripe.md', () => {
    // Proves stripe.md follows the billing code: each of `handledStripeEventTypes` has a row, and `stripeApiVersion` is named.
    const stripeDoc = read('docs/reference/stripe.md');
    expect(missingRows(stripeDoc, handledStripeEventTypes)).toEqual([]);
    expect(stripeDoc).toContain(`\`${stripeApiVersion}\``);
  });

  it('gives, wherever it shows `stripe listen --events`, exactly the handled Stripe event types', () => {
    // Proves the commands people copy subscribe to every event Topup handles (payment_intent.* was once missing from stripe.md's): each --events list in README.md and docs/ equals handledStripeEventTypes.
    const files = ['README.md', ...markdownFilesUnder('docs')];
    const lists = files.flatMap((file) => [...read(file).matchAll(/--events ([a-z_]+\.[a-z_.,]+)/g)].map((match) => ({ file, events: match[1]!.split(',').sort() })));
    expect(lists.map((list) => list.file)).toEqual(expect.arrayContaining(['README.md', 'docs/reference/stripe.md']));
    for (const list of lists) expect(list, list.file).toEqual({ file: list.file, events: [...handledStripeEventTypes].sort() });
  });

  it('has no tracked file that refers to a document outside the repository', () => {
    // Proves the repository keeps its own references: every text file of `git ls-files` (and docs/) is scanned for the external contract's file name and the shared folder's path, and offenders are listed.
    const forbidden = [['CONTRACT', 'md'].join('.'), ['..', 'shared', ''].join('/')];
    const files = new Set([...trackedFiles(), ...markdownFilesUnder('docs')]);
    const offenders: string[] = [];
    for (const file of [...files].sort()) {
      if (file === 'package-lock.json' || (file.startsWith('test/fixtures/') && path.basename(file) === 'LICENSE')) continue;
      const absolute = path.join(root, file);
      // A tracked file another change is deleting, or a folder (a submodule), has nothing to scan.
      if (!existsSync(absolute) || !statSync(absolute).isFile()) continue;
      const content = readFileSync(absolute);
      if (content.subarray(0, 8000).includes(0)) continue;
      const text = content.toString('utf8');
      text.split('\n').forEach((line, index) => {
        if (forbidden.some((needle) => line.includes(needle))) offenders.push(`${file}:${index + 1}: ${line.trim().slice(0, 160)}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('has relative Markdown links that point at files (and headings) that exist', () => {
    // Proves no link in docs/**/*.md, README.md or ARCHITECTURE.md is broken: each relative target resolves to an existing file, and a `#anchor` into a Markdown file names one of its headings.
    const files = [...markdownFilesUnder('docs'), 'README.md', 'ARCHITECTURE.md'];
    expect(files).toContain('docs/reference/http.md');
    const broken: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const target of relativeLinkTargets(read(file))) {
        checked += 1;
        const [targetPath = '', anchor] = target.split('#', 2);
        const resolved = targetPath === '' ? path.join(root, file) : path.resolve(path.dirname(path.join(root, file)), decodeURIComponent(targetPath));
        if (!existsSync(resolved)) {
          broken.push(`${file}: ${target} (no such file)`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !headingSlugs(readFileSync(resolved, 'utf8')).has(anchor)) {
          broken.push(`${file}: ${target} (no such heading)`);
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(broken).toEqual([]);
  });
});

interface RouterLayer {
  route?: { path: unknown };
  rawPath?: unknown;
  handle?: { stack?: RouterLayer[] };
}

/** String paths of the route layers of an Express 5 router stack, through mounted routers; regex routes (the console's fallback) are skipped. */
function routePathsOf(stack: RouterLayer[], prefix: string): string[] {
  const paths: string[] = [];
  for (const layer of stack) {
    if (layer.route !== undefined) {
      const routePaths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const routePath of routePaths) if (typeof routePath === 'string') paths.push(prefix + routePath);
    } else if (Array.isArray(layer.handle?.stack)) {
      const mountPath = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      paths.push(...routePathsOf(layer.handle.stack, prefix + mountPath));
    }
  }
  return paths;
}

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\0')
    .filter((file) => file !== '');
}

function markdownFilesUnder(directory: string): string[] {
  const absolute = path.join(root, directory);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.posix.join(directory, file.split(path.sep).join('/')))
    .sort();
}

/** Targets of inline links, images and reference definitions outside code, without URLs (`https:`, `mailto:`); same-page `#anchors` are kept. */
function relativeLinkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '').replace(/`[^`\n]*`/g, '');
  const targets = [
    ...[...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]!),
    ...[...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((match) => match[1]!),
  ];
  return targets.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target)).map((target) => target.split('?')[0]!);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function headingSlugs(markdown: string): Set<string> {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '');
  return new Set(
    [...prose.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)].map((match) =>
      match[1]!
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}
