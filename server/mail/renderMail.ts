import type { MailTemplate } from '../vocabulary.ts';
import { formatMoneyAmount } from './formatMoneyAmount.ts';
import { mailHtmlStyles } from './mailHtmlStyles.ts';
import type { RenderedMail } from './mailTypes.ts';

/**
 * What one mail says, before it becomes text and HTML: a subject, paragraphs, facts (label and
 * value, e.g. "Amount paid: $5.00") and at most one link. Templates build this from the mail's data;
 * `renderMail` turns it into both bodies, escaping every value in the HTML one, so no template
 * writes markup and no user data reaches the HTML unescaped.
 */
interface MailContent {
  subject: string;
  paragraphs: string[];
  facts: Array<[label: string, value: string]>;
  link: { label: string; url: string } | null;
  closing: string;
}

type Template = (data: MailData, consoleUrl: string) => MailContent;

/** The mail's data with typed reads that fail loudly on a field the template needs but the event lacks. */
interface MailData {
  count(name: string): string;
  money(amountName: string, currencyName: string): string;
  text(name: string): string | null;
  /** An ISO instant as "December 1, 2026 at 12:46 PM UTC". */
  time(name: string): string;
}

const templates: Record<MailTemplate, Template> = {
  purchase_receipt: (data, consoleUrl) => ({
    subject: `Receipt: ${data.count('credits')} credits for ${data.money('amountMinor', 'currency')}`,
    paragraphs: ['Thank you for your purchase. Your credits have been added to your balance.'],
    facts: [
      ['Credits', data.count('credits')],
      ['Amount paid', data.money('amountMinor', 'currency')],
      ['Paid at', data.time('paidAt')],
      ['Checkout session', data.text('sessionId') ?? '—'],
      ...(data.text('balanceAfter') === null ? [] : [['Balance after', `${data.count('balanceAfter')} credits`] as [string, string]]),
    ],
    link: { label: 'See your credit history', url: `${consoleUrl}/history` },
    closing: 'Keep this mail as your receipt.',
  }),
  purchase_failed: (data, consoleUrl) => ({
    subject: `Your payment for ${data.count('credits')} credits failed`,
    paragraphs: [
      `The delayed payment of ${data.money('amountMinor', 'currency')} for ${data.count('credits')} credits did not go through, so no credits were added and nothing was charged.`,
    ],
    facts: [
      ['Credits', data.count('credits')],
      ['Amount', data.money('amountMinor', 'currency')],
      ['Checkout session', data.text('sessionId') ?? '—'],
    ],
    link: { label: 'Try again with another payment method', url: `${consoleUrl}/billing` },
    closing: 'If you think this is a mistake, your bank can tell you why the payment was refused.',
  }),
  balance_low: (data, consoleUrl) => ({
    subject: `Your balance is low: ${data.count('balance')} credits left`,
    paragraphs: [`Your balance has fallen below ${data.count('thresholdCredits')} credits.`],
    facts: [
      ['Balance', `${data.count('balance')} credits`],
      ['Alert threshold', `${data.count('thresholdCredits')} credits`],
    ],
    link: { label: 'Buy credits', url: `${consoleUrl}/billing` },
    closing: 'You get this mail once each time your balance falls below the threshold.',
  }),
  auto_top_up_failed: (data, consoleUrl) => ({
    subject: 'Your automatic top-up failed',
    paragraphs: [
      `We could not charge your saved card ${data.money('amountMinor', 'currency')} for ${data.count('credits')} credits, so no credits were added.`,
    ],
    facts: [
      ['Credits', data.count('credits')],
      ['Amount', data.money('amountMinor', 'currency')],
      ['Reason', data.text('message') ?? data.text('declineCode') ?? 'the card was declined'],
    ],
    link: { label: 'Check your card and automatic top-up', url: `${consoleUrl}/billing` },
    closing: 'After three failures in a row, automatic top-up turns itself off.',
  }),
  auto_top_up_requires_action: (data, consoleUrl) => ({
    subject: 'Confirm your automatic top-up',
    paragraphs: [
      `Your bank asks you to confirm the payment of ${data.money('amountMinor', 'currency')} for ${data.count('credits')} credits before it goes through.`,
    ],
    facts: [
      ['Credits', data.count('credits')],
      ['Amount', data.money('amountMinor', 'currency')],
    ],
    link: { label: 'Confirm the payment', url: `${consoleUrl}/billing` },
    closing: 'Until you confirm, no credits are added.',
  }),
};

/**
 * Renders a mail of `template` from its outbox data. `consoleUrl` (PUBLIC_URL) is where its link
 * points. Throws when the data lacks a field the template needs (an event written without it).
 */
export function renderMail(options: { template: MailTemplate; data: Record<string, unknown>; consoleUrl: string }): RenderedMail {
  const template = templates[options.template];
  if (template === undefined) throw new Error(`no mail template ${String(options.template)}`);
  const content = template(readMailData(options.data), options.consoleUrl);
  return { subject: content.subject, text: renderText(content), html: renderHtml(content) };
}

function readMailData(data: Record<string, unknown>): MailData {
  const integer = (name: string): number => {
    const value = data[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`mail data field ${name} must be an integer, got ${JSON.stringify(value)}`);
    return value;
  };
  return {
    count: (name) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(integer(name)),
    money: (amountName, currencyName) => {
      const currency = data[currencyName];
      if (typeof currency !== 'string' || !/^[a-z]{3}$/i.test(currency)) throw new Error(`mail data field ${currencyName} must be a currency code`);
      return formatMoneyAmount(integer(amountName), currency);
    },
    text: (name) => (data[name] === undefined || data[name] === null ? null : String(data[name])),
    time: (name) => {
      const instant = new Date(String(data[name]));
      if (Number.isNaN(instant.getTime())) throw new Error(`mail data field ${name} must be an ISO time`);
      return `${new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(instant)} UTC`;
    },
  };
}

function renderText(content: MailContent): string {
  const width = Math.max(...content.facts.map(([label]) => label.length));
  return [
    ...content.paragraphs,
    content.facts.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}`).join('\n'),
    ...(content.link ? [`${content.link.label}: ${content.link.url}`] : []),
    content.closing,
    '— Topup',
  ].join('\n\n') + '\n';
}

function renderHtml(content: MailContent): string {
  const rows = content.facts
    .map(([label, value]) => `<tr><th align="left" style="${mailHtmlStyles.factLabel}">${escapeHtml(label)}</th><td style="${mailHtmlStyles.factValue}">${escapeHtml(value)}</td></tr>`)
    .join('');
  const link = content.link ? `<p><a href="${escapeHtml(content.link.url)}">${escapeHtml(content.link.label)}</a></p>` : '';
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>`,
    `<body style="${mailHtmlStyles.body}">`,
    ...content.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    `<table role="presentation" style="${mailHtmlStyles.factsTable}">${rows}</table>`,
    link,
    `<p>${escapeHtml(content.closing)}</p>`,
    '<p>— Topup</p>',
    '</body></html>',
  ].join('\n');
}

/** The five characters that matter in HTML text and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
