import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Topup</title></head>
<body>
<h1>Topup is running</h1>
<p>The console is not built yet. Run <code>npm run build:console</code> (or <code>npm start</code>, which
builds it), then reload this page. The API is at <code>/graphql</code>.</p>
</body></html>
`;

/**
 * Serves the built console from `directory` (`console/dist`): files as they are (hashed assets
 * cached for a year), and `index.html` for any other GET path without a file extension, so the
 * console's own routes (`/payment/success?...`, `/admin/...`) load on a refresh. Without a build,
 * `/` explains how to make one. Mounted after every API route.
 */
export function createConsoleRouter(options: { directory: string; production?: boolean }): Router {
  const router = Router();
  const indexPath = path.join(options.directory, 'index.html');
  // Source maps would hand the whole console source to anyone; in production they are not served.
  if (options.production) router.get(/\.map$/, (_request, response) => void response.status(404).type('text').send('Not found'));
  router.use(servePrecompressed(options.directory));
  router.use(
    express.static(options.directory, {
      index: false,
      setHeaders(response, filePath) {
        const hashed = filePath.includes(`${path.sep}assets${path.sep}`);
        response.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  router.get(/.*/, (request, response, next) => {
    const lastSegment = request.path.split('/').at(-1) ?? '';
    // A missing `/assets/app.js` must be a 404, not index.html served as JavaScript.
    if (lastSegment.includes('.')) return next();
    if (existsSync(indexPath)) {
      response.setHeader('cache-control', 'no-cache');
      response.sendFile(indexPath);
      return;
    }
    response.status(request.path === '/' ? 200 : 404).type('html').send(notBuiltPage);
  });
  return router;
}

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The console build writes `.br` and `.gz` beside its assets (`console/vite.config.ts`). When the
 * browser accepts one and it exists, it is sent with `Content-Encoding`; otherwise the next handler
 * sends the plain file.
 */
function servePrecompressed(directory: string): express.RequestHandler {
  const root = path.resolve(directory);
  return (request, response, next) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    const contentType = contentTypes[path.extname(request.path)];
    if (contentType === undefined) return next();
    let decodedPath: string;
    try {
      decodedPath = decodeURIComponent(request.path);
    } catch {
      // A malformed percent-encoding (`/%E0%A4%A`) is the client's mistake: a clear 400, never a 500.
      response.status(400).type('text').send('Malformed percent-encoding in the path');
      return;
    }
    const filePath = path.resolve(root, `.${decodedPath}`);
    if (!filePath.startsWith(root + path.sep)) return next();
    const accepted = String(request.headers['accept-encoding'] ?? '');
    const encoding = ['br', 'gzip'].find((candidate) => accepted.includes(candidate) && existsSync(`${filePath}.${candidate === 'gzip' ? 'gz' : 'br'}`));
    response.setHeader('vary', 'Accept-Encoding');
    if (encoding === undefined) return next();
    const hashed = filePath.includes(`${path.sep}assets${path.sep}`);
    response.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    response.setHeader('content-encoding', encoding);
    response.type(contentType);
    response.sendFile(`${filePath}.${encoding === 'gzip' ? 'gz' : 'br'}`, (error) => {
      if (error) next(error);
    });
  };
}
