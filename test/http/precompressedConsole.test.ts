import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import express from 'express';
import { createConsoleRouter } from '../../server/http/createConsoleRouter.ts';
import { startHttpServer, type RunningHttpServer } from '../../server/http/startHttpServer.ts';

describe('the console router with precompressed assets', () => {
  let directory: string;
  let server: RunningHttpServer;
  const script = `console.log(${JSON.stringify('x'.repeat(5000))});\n`;

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'topup-console-'));
    fs.mkdirSync(path.join(directory, 'assets'));
    fs.writeFileSync(path.join(directory, 'index.html'), '<!doctype html><title>Topup</title>');
    fs.writeFileSync(path.join(directory, 'assets', 'app-abc123.js'), script);
    fs.writeFileSync(path.join(directory, 'assets', 'app-abc123.js.gz'), zlib.gzipSync(script));
    fs.writeFileSync(path.join(directory, 'assets', 'app-abc123.js.br'), zlib.brotliCompressSync(script));
    const app = express();
    app.use(createConsoleRouter({ directory }));
    server = await startHttpServer({ app, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('sends brotli, gzip or the plain file according to Accept-Encoding, always the same bytes once decoded', async () => {
    // Proves the negotiation with raw HTTP (fetch would decode silently): br preferred, gzip next, identity otherwise.
    const get = (encoding: string) =>
      new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
        import('node:http').then(({ get: httpGet }) =>
          httpGet({ port: server.port, path: '/assets/app-abc123.js', headers: { 'accept-encoding': encoding } }, (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
          }).on('error', reject),
        );
      });
    const brotli = await get('gzip, deflate, br');
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers['content-type']).toMatch(/javascript/);
    expect(brotli.headers['cache-control']).toMatch(/immutable/);
    expect(zlib.brotliDecompressSync(brotli.body).toString()).toBe(script);
    const gzip = await get('gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gzip.body).toString()).toBe(script);
    const plain = await get('identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
    expect(brotli.body.length).toBeLessThan(plain.body.length / 10);
  });

  it('does not serve files outside the console folder', async () => {
    // Proves a traversal attempt gets no file from outside the build directory.
    const response = await fetch(`http://127.0.0.1:${server.port}/assets/..%2F..%2F..%2Fetc%2Fpasswd.js`, { headers: { 'accept-encoding': 'br' } });
    expect(response.status).toBe(404);
  });
});
