import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClerkInstance } from '../auth/support/clerkTokens.ts';
import { startTestTopup, type TestTopup } from '../support/startTestTopup.ts';

describe('production mode', () => {
  let server: TestTopup;

  beforeAll(async () => {
    const clerk = await createClerkInstance();
    server = await startTestTopup({
      environment: {
        NODE_ENV: 'production',
        STRIPE_SECRET_KEY: 'sk_test_production_mode_test',
        STRIPE_WEBHOOK_SECRET: 'whsec_production_mode_test',
        CLERK_JWT_KEY: clerk.publicKeyPem,
        PUBLIC_URL: 'https://credits.example.com',
        // Chosen on purpose, as production requires; the test hands the server its own database.
        DATABASE_URL: 'pglite:///var/lib/topup-unused',
      },
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('refuses introspection and keeps schema hints out of errors', async () => {
    // Proves the production switches of Apollo: __schema is a validation error, and a misspelt field gets no "Did you mean" suggestion.
    const introspection = await server.graphql('{ __schema { types { name } } }');
    expect(introspection.status).toBe(400);
    expect(introspection.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(introspection.body.errors?.[0]?.message).toMatch(/introspection/i);
    const typo = await server.graphql('{ oK }');
    expect(typo.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('has no dev token endpoint and no GraphQL landing page', async () => {
    // Proves that nothing meant for a laptop is served: /api/dev/token is 404 and a browser GET of /graphql gets no sandbox page.
    const mint = await server.requestDevToken({ userId: 'user_Intruder1', role: 'admin' });
    expect(mint.status).toBe(404);
    const landing = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await landing.text()).not.toMatch(/<html/i);
  });

  it('does not serve the development mail list', async () => {
    // Proves GET /api/dev/mail is for development only: production answers 404 NOT_FOUND, with no mail in the body.
    const response = await fetch(`${server.url}/api/dev/mail`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});
