import type { ServerResponse } from 'node:http';

/** Sends pretty-printed JSON, as Stripe's API does. */
export function sendJson(response: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(response, statusCode, JSON.stringify(body, null, 2), { 'Content-Type': 'application/json', ...headers });
}

export function sendHtml(response: ServerResponse, statusCode: number, html: string): void {
  sendText(response, statusCode, html, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
}

/** 303 See Other, so the browser follows a form POST with a GET. */
export function sendRedirect(response: ServerResponse, location: string): void {
  response.writeHead(303, { Location: location, 'Content-Length': '0', 'Cache-Control': 'no-store' });
  response.end();
}

export function sendText(response: ServerResponse, statusCode: number, text: string, headers: Record<string, string>): void {
  const body = Buffer.from(text, 'utf8');
  response.writeHead(statusCode, { ...headers, 'Content-Length': String(body.length) });
  response.end(body);
}
