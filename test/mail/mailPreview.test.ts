import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMailStore } from '../../server/mail/createMailStore.ts';
import { startTestTopup, testAdminUserId, testServiceKey, type TestTopup } from '../support/startTestTopup.ts';
import { storageKindsUnderTest } from '../support/testStorage.ts';

const previewQuery = 'query ($first: Int) { mailPreview(first: $first) { id template from to subject text html sentAt } }';

interface PreviewMail { id: string; template: string; from: string; to: string; subject: string; text: string; html: string; sentAt: string }

// Without SMTP_URL the worker keeps each mail in DATA_DIR/mail; GET /api/dev/mail and the admins'
// mailPreview read it back. The server runs as `npm start` would, with its worker on a short interval.
describe.each(storageKindsUnderTest())('mail kept in DATA_DIR without SMTP_URL on %s', (kind) => {
  let server: TestTopup;

  beforeAll(async () => {
    server = await startTestTopup({ kind, environment: { MAIL_WORKER_INTERVAL_MS: '50' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('keeps a low-balance mail in DATA_DIR, marks it sent, and lists it on /api/dev/mail and to admins', async () => {
    // Proves the zero-setup path: a real crossing below the threshold (adjust 150, spend 100) is mailed by the running worker
    // into DATA_DIR/mail; the outbox row is sent; the dev route and mailPreview show the same mail; only admins may read it.
    const token = await server.devToken({ userId: 'user_mailPreview', email: 'preview@example.com' });
    await server.graphql('{ me { id } }', { token });
    const admin = await server.devToken({ userId: testAdminUserId, role: 'admin' });
    await server.graphql('mutation { adjustCredits(input: { userId: "user_mailPreview", delta: 150, reason: "opening", idempotencyKey: "preview:1" }) { id } }', { token: admin });
    const spent = await server.graphql('mutation { spendCredits(input: { userId: "user_mailPreview", amount: 100, reason: "usage", idempotencyKey: "preview:2" }) { id } }', { token: testServiceKey });
    expect(spent.body.errors).toBeUndefined();

    const directory = path.join(server.config.dataDirectory, 'mail');
    // The file is written first, then the attempt is recorded: wait for the record.
    await vi.waitFor(async () => {
      const rows = await server.database!.query<{ status: string; sent_at: string | Date | null }>("select status, sent_at from mail_outbox where user_id = 'user_mailPreview'");
      expect(rows).toHaveLength(1);
      expect(rows[0]!.status).toBe('sent');
      expect(rows[0]!.sent_at).not.toBeNull();
    }, { timeout: 10_000, interval: 50 });
    expect(fs.readdirSync(directory).filter((name) => name.endsWith('.json'))).toHaveLength(1);

    const response = await fetch(`${server.url}/api/dev/mail`);
    expect(response.status).toBe(200);
    const listed = (await response.json()) as PreviewMail[];
    const mine = listed.filter((mail) => mail.to === 'preview@example.com');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ template: 'balance_low', from: 'Topup <no-reply@localhost>', subject: 'Your balance is low: 50 credits left' });
    expect(mine[0]!.text).toMatch(/^Balance: +50 credits$/m);
    expect(mine[0]!.html).toContain('<!doctype html>');
    expect(Date.parse(mine[0]!.sentAt)).not.toBeNaN();

    const preview = await server.graphql<{ mailPreview: PreviewMail[] }>(previewQuery, { token: admin, variables: { first: 10 } });
    expect(preview.body.errors).toBeUndefined();
    expect(preview.body.data!.mailPreview.filter((mail) => mail.to === 'preview@example.com')).toEqual(mine);

    const asUser = await server.graphql(previewQuery, { token });
    expect(asUser.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(asUser.body.data?.mailPreview ?? null).toBeNull();
    const asService = await server.graphql(previewQuery, { token: testServiceKey });
    expect(asService.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await server.graphql(previewQuery);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const tooMany = await server.graphql(previewQuery, { token: admin, variables: { first: 101 } });
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badFirst = await fetch(`${server.url}/api/dev/mail?first=0`);
    expect(badFirst.status).toBe(400);
  });
});

describe('the DATA_DIR mail store', () => {
  it('keeps only the newest mails, lists them newest first, and leaves no temporary file', async () => {
    // Proves the bound: five mails into a store that keeps three leave the three newest, in order, and nothing half-written.
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'topup-mail-store-'));
    try {
      const store = createMailStore({ directory, keepMax: 3 });
      for (let index = 1; index <= 5; index += 1) {
        await store.save({ id: String(index), template: 'balance_low', from: 'a@b.c', to: 'd@e.f', subject: `mail ${index}`, text: '', html: '', sentAt: new Date(Date.UTC(2026, 11, 1, 12, 0, index)).toISOString() });
      }
      expect((await store.list(10)).map((mail) => mail.subject)).toEqual(['mail 5', 'mail 4', 'mail 3']);
      expect((await store.list(2)).map((mail) => mail.id)).toEqual(['5', '4']);
      expect(fs.readdirSync(directory).sort()).toHaveLength(3);
      expect(fs.readdirSync(directory).every((name) => name.endsWith('.json') && !name.startsWith('.'))).toBe(true);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('lists nothing before the first mail', async () => {
    // Proves a fresh DATA_DIR (no mail folder yet) answers an empty list instead of failing.
    const store = createMailStore({ directory: path.join(os.tmpdir(), `topup-mail-none-${process.pid}-${Date.now()}`) });
    expect(await store.list(10)).toEqual([]);
  });
});
