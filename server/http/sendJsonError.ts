import type { Response } from 'express';

/**
 * The error body of the non-GraphQL routes: `{"error": {"code", "message"}}`, with the same codes
 * as GraphQL's `extensions.code`.
 */
export function sendJsonError(response: Response, error: { status: number; code: string; message: string }): void {
  response.status(error.status).json({ error: { code: error.code, message: error.message } });
}
