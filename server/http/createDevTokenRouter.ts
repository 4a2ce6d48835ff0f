import express, { Router } from 'express';
import type { DevSigningKey } from '../auth/loadDevSigningKey.ts';
import { signDevToken } from '../auth/signDevToken.ts';
import { emailPattern, userIdPattern } from '../auth/viewerFromClaims.ts';
import { sendJsonError } from './sendJsonError.ts';
import { errorCodes, isTopupError } from '../errors.ts';
import type { RateLimiter } from '../rateLimits/createRateLimiter.ts';


/**
 * `POST /api/dev/token` `{"userId": "user_...", "email"?: "...", "role"?: "user" | "admin"}` ->
 * `{"token": "...", "expiresAt": "..."}`. Mounted only when dev auth is on (no Clerk, not
 * production): it signs in as anyone, which is the point on a laptop and a hole anywhere else.
 * The body must be JSON, so a cross-site form cannot reach it.
 */
export function createDevTokenRouter(options: { devSigningKey: () => Promise<DevSigningKey>; rateLimiter: RateLimiter }): Router {
  const router = Router();
  router.post('/api/dev/token', express.json({ limit: '4kb' }), async (request, response) => {
    try {
      await options.rateLimiter.take([['devTokenPerIp', request.ip ?? 'unknown']]);
    } catch (error) {
      if (!isTopupError(error) || error.code !== errorCodes.rateLimited) throw error;
      response.setHeader('retry-after', String(error.details?.retryAfterSeconds ?? 60));
      sendJsonError(response, { status: 429, code: error.code, message: error.message });
      return;
    }
    const body: unknown = request.body;
    if (typeof body !== 'object' || body === null) {
      sendJsonError(response, { status: 400, code: 'BAD_USER_INPUT', message: 'Send a JSON object: {"userId": "user_..."}' });
      return;
    }
    const { userId, email = null, role = 'user' } = body as Record<string, unknown>;
    if (typeof userId !== 'string' || !userIdPattern.test(userId)) {
      sendJsonError(response, { status: 400, code: 'BAD_USER_INPUT', message: 'userId must look like a Clerk user id: user_ followed by letters and digits' });
      return;
    }
    if (email !== null && (typeof email !== 'string' || !emailPattern.test(email))) {
      sendJsonError(response, { status: 400, code: 'BAD_USER_INPUT', message: 'email must be an email address or absent' });
      return;
    }
    if (role !== 'user' && role !== 'admin') {
      sendJsonError(response, { status: 400, code: 'BAD_USER_INPUT', message: 'role must be "user" or "admin"' });
      return;
    }
    const minted = await signDevToken({ key: await options.devSigningKey(), userId, email, role });
    response.setHeader('cache-control', 'no-store');
    response.json(minted);
  });
  return router;
}
