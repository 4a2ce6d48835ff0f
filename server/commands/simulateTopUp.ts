import { parseArgs } from 'node:util';

/**
 * `npm run topup:simulate -- --user user_32mSltWx9KkUkJe3sN2Bkym2w45 --credits 71` against a running
 * server (dev auth and the Stripe sandbox): makes sure the user exists, creates a checkout session,
 * pays it in the sandbox, waits for the webhook to move the balance (it never asks `topUp`, which
 * would fulfil the session itself), and prints "<before> -> <after>".
 */
const { values } = parseArgs({
  options: {
    user: { type: 'string', default: 'user_32mSltWx9KkUkJe3sN2Bkym2w45' },
    credits: { type: 'string', default: '71' },
    url: { type: 'string', default: process.env.TOPUP_URL ?? `http://localhost:${process.env.PORT ?? 4000}` },
    'timeout-seconds': { type: 'string', default: '30' },
  },
});
const baseUrl = values.url.replace(/\/+$/, '');
const credits = Number(values.credits);
if (!Number.isSafeInteger(credits) || credits <= 0) fail(`--credits must be a positive whole number, got ${values.credits}`);

const tokenResponse = await fetch(`${baseUrl}/api/dev/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ userId: values.user, role: 'user' }),
}).catch((error: unknown) => fail(`cannot reach Topup at ${baseUrl}: ${(error as Error).message}. Is \`npm start\` running?`));
if (!tokenResponse.ok) fail(`POST /api/dev/token answered ${tokenResponse.status}: ${await tokenResponse.text()} (dev auth is off when Clerk is configured)`);
const { token } = (await tokenResponse.json()) as { token: string };

async function graphql<Data>(query: string, variables: Record<string, unknown> = {}): Promise<Data> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Data; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) fail(`GraphQL error: ${body.errors.map((error) => `${error.extensions?.code ?? ''} ${error.message}`).join('; ')}`);
  return body.data as Data;
}

const before = (await graphql<{ me: { credits: number } }>('{ me { credits } }')).me.credits;
const { createCreditTopUpSession: session } = await graphql<{ createCreditTopUpSession: { sessionId: string; url: string; amountMinor: number; currency: string } }>(
  'mutation ($credits: SafeInt!) { createCreditTopUpSession(input: { credits: $credits }) { sessionId url amountMinor currency } }',
  { credits },
);
const sandboxOrigin = new URL(session.url).origin;
const payResponse = await fetch(`${sandboxOrigin}/sandbox/checkout/sessions/${session.sessionId}/pay`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ outcome: 'paid' }),
});
if (!payResponse.ok) fail(`the sandbox refused to pay ${session.sessionId}: ${payResponse.status} ${await payResponse.text()} (is Topup running on the Stripe sandbox?)`);

const deadline = Date.now() + Number(values['timeout-seconds']) * 1000;
let after = before;
while (Date.now() < deadline) {
  after = (await graphql<{ me: { credits: number } }>('{ me { credits } }')).me.credits;
  if (after !== before) break;
  await new Promise((resolve) => setTimeout(resolve, 250));
}
if (after === before) fail(`the webhook did not move the balance within ${values['timeout-seconds']} s (still ${before})`);
console.error(`paid ${session.amountMinor} ${session.currency} minor units for ${credits} credits (session ${session.sessionId})`);
console.log(`${before} -> ${after}`);

function fail(message: string): never {
  console.error(`topup:simulate: ${message}`);
  process.exit(1);
}
