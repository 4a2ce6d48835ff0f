import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const requestIds = new WeakMap<Request, string>();

/** A caller's id is kept when it is short and plain, so it can be followed across services. */
const acceptedRequestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (`x-request-id` from the caller, or a new UUID), echoed in the response
 * header and written on every log line about the request.
 */
export function requestIdMiddleware(request: Request, response: Response, next: NextFunction): void {
  const incoming = request.get('x-request-id');
  const requestId = incoming !== undefined && acceptedRequestIdPattern.test(incoming) ? incoming : randomUUID();
  requestIds.set(request, requestId);
  response.setHeader('x-request-id', requestId);
  next();
}

/** The id `requestIdMiddleware` gave this request. */
export function requestIdOf(request: Request): string {
  const requestId = requestIds.get(request);
  if (requestId === undefined) throw new Error('Assertion failed: requestIdMiddleware runs before every route');
  return requestId;
}
