import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Config } from '../config.ts';

/**
 * Security headers on every response, console and API alike, by helmet:
 * - a Content-Security-Policy that lets the console load only its own scripts, styles and API, and
 *   Clerk's Frontend API when the console is built with Clerk (Clerk's documented CSP needs); no
 *   framing by anyone (`frame-ancestors 'none'`, `X-Frame-Options: DENY`);
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, and HSTS in production only
 *   (a laptop's http://localhost must not be pinned to HTTPS);
 * - outside production, `GET /graphql` in a browser serves Apollo's landing page, which loads its
 *   embedded sandbox from Apollo's CDN: that page alone gets a policy that allows it.
 */
export function createSecurityHeaders(config: Config): RequestHandler {
  const clerk = config.clerk.frontendApiOrigin ?? (config.clerk.jwtKey || config.clerk.secretKey ? 'https://*.clerk.accounts.dev' : null);
  const clerkSources = clerk === null ? [] : [clerk, 'https://challenges.cloudflare.com'];
  const common = {
    strictTransportSecurity: config.production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    frameguard: { action: 'deny' as const },
    referrerPolicy: { policy: 'no-referrer' as const },
  };
  const consoleHeaders = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...clerkSources],
        // Clerk's components inject their styles at run time.
        styleSrc: ["'self'", ...(clerk === null ? [] : ["'unsafe-inline'"])],
        imgSrc: ["'self'", 'data:', ...(clerk === null ? [] : ['https://img.clerk.com'])],
        connectSrc: ["'self'", ...(clerk === null ? [] : [clerk])],
        fontSrc: ["'self'"],
        frameSrc: clerk === null ? ["'none'"] : ['https://challenges.cloudflare.com'],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(config.production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
  });
  const landingPageHeaders = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'", 'https://embeddable-sandbox.cdn.apollographql.com'],
        styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
        imgSrc: ["'self'", 'data:', 'https://apollo-server-landing-page.cdn.apollographql.com'],
        frameSrc: ['https://sandbox.embed.apollographql.com'],
        manifestSrc: ['https://apollo-server-landing-page.cdn.apollographql.com'],
        frameAncestors: ["'none'"],
      },
    },
  });
  return (request, response, next) => {
    const landingPage = !config.production && request.method === 'GET' && request.path === '/graphql' && String(request.headers.accept ?? '').includes('text/html');
    (landingPage ? landingPageHeaders : consoleHeaders)(request, response, next);
  };
}
