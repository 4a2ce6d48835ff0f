import type { RequestHandler } from 'express';
import { sendJsonError } from './sendJsonError.ts';

/**
 * Outside production, answers only requests addressed to this machine by name (localhost, 127.0.0.1,
 * [::1], PUBLIC_URL's host). A dev server signs anyone in as anyone; without this check a web page
 * could rebind its own domain to 127.0.0.1 and drive it from the victim's browser (DNS rebinding).
 * `allowedHosts` null (production): the proxy in front of Topup decides which hosts reach it.
 */
export function createHostCheck(allowedHosts: string[] | null): RequestHandler {
  if (allowedHosts === null) return (_request, _response, next) => next();
  const allowed = new Set(allowedHosts.map((host) => host.toLowerCase()));
  // Parsing a Host header with URL cost about 1% of a small request; the verdicts of the few
  // headers a server sees are kept (a bounded map, emptied when full).
  const verdicts = new Map<string, boolean>();
  const isAllowed = (host: string | undefined): boolean => {
    if (host === undefined) return allowed.has(hostnameOf(host));
    let verdict = verdicts.get(host);
    if (verdict === undefined) {
      verdict = allowed.has(hostnameOf(host));
      if (verdicts.size >= hostnamesSeenMax) verdicts.clear();
      verdicts.set(host, verdict);
    }
    return verdict;
  };
  return (request, response, next) => {
    if (isAllowed(request.headers.host)) return next();
    sendJsonError(response, {
      status: 403,
      code: 'FORBIDDEN',
      message: `Host "${String(request.headers.host ?? '').slice(0, 100)}" is not allowed: a development server answers only localhost and PUBLIC_URL's host`,
    });
  };
}

/** Host headers seen, by their verdict; a client sends the same one on every request. */
const hostnamesSeenMax = 64;

function hostnameOf(host: string | undefined): string {
  if (host === undefined || host.length > 300) return '';
  try {
    return new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return '';
  }
}
