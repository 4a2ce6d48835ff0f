import type express from 'express';

/**
 * For the webhook routes' raw-body parser: a body over the limit (413) or one that cannot be read
 * answers a clear 4xx with the reason, never a stack trace or a 500 the sender would retry.
 */
export const rawBodyErrorHandler: express.ErrorRequestHandler = (error, _request, response, _next) => {
  const status = (error as { status?: number }).status ?? 400;
  response.status(status >= 400 && status < 500 ? status : 400).json({ error: (error as Error).message });
};
