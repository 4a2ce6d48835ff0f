import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { formatMoneyAmount } from '../../server/mail/formatMoneyAmount.ts';
import { mailHtmlStyleHashSources, mailHtmlStyles } from '../../server/mail/mailHtmlStyles.ts';
import { escapeHtml, renderMail } from '../../server/mail/renderMail.ts';
import { mailTemplates } from '../../server/vocabulary.ts';

describe('mail templates', () => {
  it('formats amounts in the currency\'s own minor units', () => {
    // Proves the exponent comes from the currency (Stripe's table): cents for USD and EUR, none for JPY, three digits for KWD.
    expect(formatMoneyAmount(71, 'usd')).toBe('$0.71');
    expect(formatMoneyAmount(950, 'EUR')).toBe('€9.50');
    expect(formatMoneyAmount(1500, 'jpy')).toBe('¥1,500');
    expect(formatMoneyAmount(1230, 'kwd').replace(/\s/u, ' ')).toBe('KWD 1.230');
  });

  it('renders every template in text and HTML, escaping what came from outside', () => {
    // Proves each template renders from the data its event carries, and that markup in a value is text in the HTML part.
    const data = { credits: 1000, amountMinor: 1000, currency: 'usd', sessionId: 'cs_<img src=x>', paidAt: '2026-12-01T12:00:00.000Z', balance: 5, thresholdCredits: 100, message: '<script>x</script>' };
    for (const template of mailTemplates) {
      const mail = renderMail({ template, data, consoleUrl: 'https://credits.example.com' });
      expect(mail.subject.length, template).toBeGreaterThan(0);
      expect(mail.text, template).toContain('https://credits.example.com/');
      expect(mail.html, template).not.toMatch(/<script|<img/);
    }
    const receipt = renderMail({ template: 'purchase_receipt', data, consoleUrl: 'https://credits.example.com' });
    expect(receipt.html).toContain('cs_&#60;img src=x&#62;');
    expect(receipt.text).toContain('Paid at:          December 1, 2026 at 12:00 PM UTC');
    expect(escapeHtml(`&<>"'`)).toBe('&#38;&#60;&#62;&#34;&#39;');
  });

  it('styles the HTML only with the fixed styles the console allows by hash', () => {
    // Proves the preview's CSP premise: every style attribute of every template is one of mailHtmlStyles (each one used),
    // no <style> element, and the hash sources are the SHA-256 of exactly those strings (one known value checked by hand).
    const data = { credits: 1000, amountMinor: 1000, currency: 'usd', sessionId: 'cs_1', paidAt: '2026-12-01T12:00:00.000Z', balance: 5, thresholdCredits: 100, message: 'declined' };
    const allowed = new Set<string>(Object.values(mailHtmlStyles));
    const used = new Set<string>();
    for (const template of mailTemplates) {
      const { html } = renderMail({ template, data, consoleUrl: 'https://credits.example.com' });
      expect(html, template).not.toMatch(/<style/i);
      const attributes = [...html.matchAll(/\sstyle\s*=\s*("([^"]*)"|'([^']*)'|[^\s>]+)/gi)];
      expect(attributes.length, template).toBe((html.match(/\sstyle\s*=/gi) ?? []).length);
      for (const attribute of attributes) {
        const value = attribute[2] ?? attribute[3] ?? '';
        expect(allowed.has(value), `${template}: style="${value}"`).toBe(true);
        used.add(value);
      }
    }
    expect([...used].sort()).toEqual([...allowed].sort());
    const sources = mailHtmlStyleHashSources();
    expect(sources[0]).toBe("'unsafe-hashes'");
    expect(sources).toHaveLength(1 + allowed.size);
    // echo -n 'border-collapse:collapse' | openssl dgst -sha256 -binary | base64
    expect(sources).toContain("'sha256-l6kheM09oVjDU8NBDBMzbVz/heqs8eIpMqVkjSzUZRM='");
  });

  it('refuses data that lacks what the template needs, instead of mailing a wrong amount', () => {
    // Proves a malformed event fails the send (to be retried, then failed) rather than rendering "NaN" or "undefined".
    expect(() => renderMail({ template: 'purchase_receipt', data: { credits: 10, currency: 'usd' }, consoleUrl: 'http://x' })).toThrow(/amountMinor/);
    expect(() => renderMail({ template: 'balance_low', data: { balance: '5', thresholdCredits: 100 }, consoleUrl: 'http://x' })).toThrow(/balance/);
  });
});

describe('mail configuration', () => {
  it('reads SMTP_URL and MAIL_FROM, and refuses what is not an SMTP URL or one From address', () => {
    // Proves the defaults (no SMTP: DATA_DIR) and the refusals at boot, without echoing an SMTP password.
    const defaults = loadConfig({});
    expect(defaults.mail).toEqual({ smtpUrl: null, from: 'Topup <no-reply@localhost>', workerIntervalMilliseconds: 1000, sendTimeoutMilliseconds: 15000 });
    expect(loadConfig({ SMTP_URL: 'smtps://user:secret@mail.example.com:465', MAIL_FROM: 'billing@example.com' }).mail).toMatchObject({
      smtpUrl: 'smtps://user:secret@mail.example.com:465',
      from: 'billing@example.com',
    });
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.com' })).toThrow(/SMTP_URL must be an smtp/);
    expect(() => loadConfig({ SMTP_URL: 'smtp//user:secret@' })).toThrow(/SMTP_URL must be a URL/);
    expect(() => loadConfig({ SMTP_URL: 'smtp//user:secret@' })).not.toThrow(/secret/);
    expect(() => loadConfig({ MAIL_FROM: 'Topup' })).toThrow(/MAIL_FROM/);
    expect(() => loadConfig({ MAIL_FROM: 'a@b.c\r\nBcc: x@y.z' })).toThrow(/MAIL_FROM/);
  });
});
