import { createHash } from 'node:crypto';

/**
 * Every inline `style` attribute a mail's HTML carries, as one closed set of constants. Mail clients
 * want inline styles, and the console's mail preview must show them as sent: the preview's
 * `<iframe sandbox srcdoc>` inherits the console's Content-Security-Policy, whose `style-src` is
 * `'self'`, so the console allows exactly these declarations by hash (`'unsafe-hashes'` plus one
 * `'sha256-...'` each, see `mailHtmlStyleHashSources`) instead of `'unsafe-inline'`. A template may
 * therefore use only these strings, never a style built from data (renderMail's tests check it).
 */
export const mailHtmlStyles = {
  body: 'font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a',
  factsTable: 'border-collapse:collapse',
  // The label keeps to one line and a long value (a Checkout Session id) wraps, so a narrow window
  // or mail pane shows both columns rather than cutting the value off.
  factLabel: 'padding:4px 16px 4px 0;font-weight:600;white-space:nowrap;vertical-align:top',
  factValue: 'padding:4px 0;overflow-wrap:anywhere',
} as const;

/**
 * The CSP source expressions that allow exactly `mailHtmlStyles` as style attributes: `'unsafe-hashes'`
 * (which lets a hash match a style attribute, not only a `<style>` element) and each style's
 * `'sha256-<base64>'`. Allowing a fixed set of padding, font and colour declarations grants an
 * injected attribute nothing it could misuse, unlike `'unsafe-inline'`, which would allow any style.
 */
export function mailHtmlStyleHashSources(): string[] {
  const hashes = Object.values(mailHtmlStyles).map((style) => `'sha256-${createHash('sha256').update(style, 'utf8').digest('base64')}'`);
  return ["'unsafe-hashes'", ...hashes];
}
