import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.ts';
import { requestIdOf } from './requestId.ts';
import { sendJsonError } from './sendJsonError.ts';

/** body-parser's error types, with what we tell the client (never the parser's own text). */
const bodyErrors: Record<string, { status: number; message: string }> = {
  'entity.too.large': { status: 413, message: 'The request body is too large' },
  'entity.parse.failed': { status: 400, message: 'The request body is not valid JSON' },
  'encoding.unsupported': { status: 415, message: 'The request body must be UTF-8' },
  'charset.unsupported': { status: 415, message: 'The request body must be UTF-8' },
  'entity.verify.failed': { status: 400, message: 'The request body was refused' },
  'request.aborted': { status: 400, message: 'The request was aborted' },
  'request.size.invalid': { status: 400, message: 'The request body does not match its Content-Length' },
};

/**
 * Last handler: body parser refusals become 4xx JSON (in GraphQL's error shape on `/graphql`, so
 * GraphQL clients can read them); anything else is logged with the request id and answered 500
 * without details.
 */
export function createJsonErrorHandler(log: Logger) {
  return (error: unknown, request: Request, response: Response, next: NextFunction): void => {
    if (response.headersSent) return next(error);
    const type = typeof error === 'object' && error !== null && 'type' in error ? String(error.type) : '';
    const known = bodyErrors[type];
    if (known === undefined) {
      log.log('error', 'http request failed unexpectedly', { requestId: requestIdOf(request), path: request.path, error });
    }
    const status = known?.status ?? 500;
    const code = known === undefined ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
    const message = known?.message ?? 'Internal server error';
    if (request.path === '/graphql') {
      response.status(status).json({ errors: [{ message, extensions: { code } }] });
      return;
    }
    sendJsonError(response, { status, code, message });
  };
}
