import type { IncomingMessage } from 'node:http';
import { StripeApiError } from '../stripeApiError.ts';

/**
 * The request body as UTF-8 text, refused past `bytesMax`.
 *
 * Errors: 413 `invalid_request_error` when the body is too large.
 */
export function readRequestBody(request: IncomingMessage, bytesMax: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytesRead = 0;
    request.on('data', (chunk: Buffer) => {
      bytesRead += chunk.length;
      if (bytesRead > bytesMax) {
        request.pause();
        reject(new StripeApiError({ statusCode: 413, type: 'invalid_request_error', message: `Request body too large: the limit is ${bytesMax} bytes.` }));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
