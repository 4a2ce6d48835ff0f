import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Config } from '../config.ts';
import { mailHtmlStyleHashSources } from '../mail/mailHtmlStyles.ts';

/**
 * Security headers on every response, console and API alike, by helmet:
 * - a Content-Security-Policy that lets the console load only its own scripts, styles and API, and
 *   Clerk's Frontend API when the console is built with Clerk (Clerk's documented CSP needs); no
 *   framing by anyone (`frame-ancestors 'none'`, `X-Frame-Options: DENY`);
 * - styles: the console's own stylesheets, plus exactly the mails' inline style attributes by hash
 *   (`mailHtmlStyleHashSources`): the admins' mail preview shows a mail in `<iframe sandbox srcdoc>`,
 *   which inherits this policy, and must show it styled as the user receives it. Serving the mail
 *   from a route of its own with a looser policy would need a framable same-origin page, a
 *   `frame-src 'self'` here and a signed URL (a frame cannot send the bearer token); the hashes
 *   add no route and no capability, and allow no style but those fixed declarations;
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
        // Clerk's components inject their styles at run time, which allows the mails' styles too
        // (with a hash in the list, browsers would ignore 'unsafe-inline', so the hashes go only without Clerk).
        styleSrc: ["'self'", ...(clerk === null ? mailHtmlStyleHashSources() : ["'unsafe-inline'"])],
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
