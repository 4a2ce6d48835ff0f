import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphQLSchema } from '../../server/graphql/createGraphQLSchema.ts';
import { paidPurchase } from '../support/paidPurchase.ts';
import { signedInUser } from '../support/signedInUser.ts';
import { startTestTopup, testAdminUserId, testServiceKey, type TestTopup } from '../support/startTestTopup.ts';
import { ledgerStorageKindsUnderTest } from '../support/testStorage.ts';
import { userWithCredits } from '../support/userWithCredits.ts';

const serviceActor = `service:${createHash('sha256').update(testServiceKey).digest('hex').slice(0, 8)}`;

interface AuditRow {
  actor: string;
  action: string;
  user_id: string | null;
  refused: boolean;
  input: unknown;
  result: unknown;
  request_id: string;
}

/** One admin call of a Mutation field: the document, its variables, and the user its record must name. */
interface AdminCall {
  query: string;
  variables: Record<string, unknown>;
  userId: string | null;
}

/** What a field's entry gets to prepare its call: the server and a fresh user id for it alone. */
interface CallSetup {
  server: TestTopup;
  /** A user that exists, with 100 credits, used by this call only. */
  userId: string;
}

/** `mutation ($input: <Type>!) { <field>(input: $input) { <selection> } }` */
const inputMutation = (field: string, inputType: string, selection: string) =>
  `mutation ($input: ${inputType}!) { ${field}(input: $input) { ${selection} } }`;
const idMutation = (field: string, selection: string) => `mutation ($id: ID!) { ${field}(id: $id) { ${selection} } }`;

/** A hold of 10 of the user's credits, made by the service (which writes no audit record). */
async function serviceHold(server: TestTopup, userId: string): Promise<string> {
  const answer = await server.graphql<{ reserveCredits: { id: string } }>(inputMutation('reserveCredits', 'ReserveCreditsInput', 'id'), {
    token: testServiceKey,
    variables: { input: { userId, amount: 10, idempotencyKey: `hold-${userId}` } },
  });
  expect(answer.body.errors).toBeUndefined();
  return answer.body.data!.reserveCredits.id;
}

/**
 * Every Mutation field of the schema, keyed by name: how an admin calls it with valid input, or
 * `writesNothing` for a field with no effect at all (the test then checks that no table changed).
 * A new Mutation field without an entry fails the enumerating test: add one line here.
 */
const writesNothing = 'writes nothing';
const adminCalls: Record<string, ((setup: CallSetup) => Promise<AdminCall>) | typeof writesNothing> = {
  _noop: writesNothing,
  adjustCredits: async ({ userId }) => ({
    query: inputMutation('adjustCredits', 'AdjustCreditsInput', 'id'),
    variables: { input: { userId, delta: 5, reason: 'audit', idempotencyKey: 'audit-adjust' } },
    userId,
  }),
  spendCredits: async ({ userId }) => ({
    query: inputMutation('spendCredits', 'SpendCreditsInput', 'id'),
    variables: { input: { userId, amount: 3, reason: 'audit', idempotencyKey: 'audit-spend' } },
    userId,
  }),
  grantPromotionalCredits: async ({ userId }) => ({
    query: inputMutation('grantPromotionalCredits', 'GrantPromotionalCreditsInput', 'id'),
    variables: { input: { userId, credits: 7, reason: 'audit', idempotencyKey: 'audit-promotion' } },
    userId,
  }),
  reserveCredits: async ({ userId }) => ({
    query: inputMutation('reserveCredits', 'ReserveCreditsInput', 'id'),
    variables: { input: { userId, amount: 4, idempotencyKey: 'audit-reserve' } },
    userId,
  }),
  captureCredits: async ({ server, userId }) => ({
    query: inputMutation('captureCredits', 'CaptureCreditsInput', 'id status'),
    variables: { input: { holdId: await serviceHold(server, userId), amount: 6, idempotencyKey: 'audit-capture' } },
    userId,
  }),
  releaseCredits: async ({ server, userId }) => ({
    query: inputMutation('releaseCredits', 'ReleaseCreditsInput', 'id status'),
    variables: { input: { holdId: await serviceHold(server, userId) } },
    userId,
  }),
  spendCreditsBatch: async ({ userId }) => ({
    query: inputMutation('spendCreditsBatch', 'SpendCreditsBatchInput', 'idempotencyKey error { code }'),
    variables: { input: { items: [{ userId, amount: 2, idempotencyKey: 'audit-batch-1' }, { userId, amount: 1, idempotencyKey: 'audit-batch-2' }] } },
    userId,
  }),
  createCreditTopUpSession: async () => ({
    query: inputMutation('createCreditTopUpSession', 'CreateCreditTopUpSessionInput', 'sessionId'),
    variables: { input: { credits: 500 } },
    userId: testAdminUserId,
  }),
  refundTopUp: async ({ server, userId }) => ({
    query: inputMutation('refundTopUp', 'RefundTopUpInput', 'refundId'),
    variables: { input: { sessionId: (await paidPurchase(server, userId, 500)).sessionId, credits: 100 } },
    userId,
  }),
  createWebhookEndpoint: async () => ({
    query: inputMutation('createWebhookEndpoint', 'CreateWebhookEndpointInput', 'endpoint { id } secret'),
    variables: { input: { url: 'https://app.example/audit-create', eventTypes: ['balance.low'] } },
    userId: null,
  }),
  updateWebhookEndpoint: async ({ server }) => ({
    query: inputMutation('updateWebhookEndpoint', 'UpdateWebhookEndpointInput', 'id enabled'),
    variables: { input: { id: (await server.topup.webhooks.createEndpoint({ url: 'https://app.example/audit-update' })).endpoint.id, enabled: false } },
    userId: null,
  }),
  deleteWebhookEndpoint: async ({ server }) => ({
    query: idMutation('deleteWebhookEndpoint', 'id'),
    variables: { id: (await server.topup.webhooks.createEndpoint({ url: 'https://app.example/audit-delete' })).endpoint.id },
    userId: null,
  }),
  rotateWebhookEndpointSecret: async ({ server }) => ({
    query: idMutation('rotateWebhookEndpointSecret', 'endpoint { id } secret'),
    variables: { id: (await server.topup.webhooks.createEndpoint({ url: 'https://app.example/audit-rotate' })).endpoint.id },
    userId: null,
  }),
  replayWebhookDelivery: async ({ server, userId }) => {
    const { endpoint } = await server.topup.webhooks.createEndpoint({ url: 'https://app.example/audit-replay' });
    // A movement after the endpoint exists gives it a delivery to replay.
    await server.topup.ledger.grant({ userId, credits: 1, kind: 'adjustment', reason: null, actor: 'system', idempotencyKey: null });
    const [delivery] = await server.database!.query<{ id: string }>('select id::text from webhook_deliveries where endpoint_id = $1 order by id desc limit 1', [endpoint.id]);
    return { query: idMutation('replayWebhookDelivery', 'id replayOf'), variables: { id: delivery!.id }, userId };
  },
  setLowBalanceThreshold: async ({ userId }) => ({
    query: inputMutation('setLowBalanceThreshold', 'SetLowBalanceThresholdInput', 'id lowBalanceCredits'),
    variables: { input: { userId, credits: 40 } },
    userId,
  }),
  setAutoTopUp: async ({ userId }) => ({
    query: inputMutation('setAutoTopUp', 'SetAutoTopUpInput', 'enabled thresholdCredits'),
    variables: { input: { userId, enabled: false, thresholdCredits: 50, credits: 500, monthlyLimitMinor: 2000 } },
    userId,
  }),
  removeSavedCard: async ({ userId }) => ({
    query: 'mutation ($userId: ID) { removeSavedCard(userId: $userId) { enabled } }',
    variables: { userId },
    userId,
  }),
};

describe.each(ledgerStorageKindsUnderTest())('the admin audit log on %s', (kind) => {
  let server: TestTopup;
  let admin = '';
  const auditRows = (requestId: string) =>
    server.database!.query<AuditRow>('select actor, action, user_id, refused, input, result, request_id from audit_log where request_id = $1', [requestId]);
  const auditCount = async () => Number((await server.database!.query<{ count: string }>('select count(*)::text as count from audit_log'))[0]!.count);
  /** The row count of every table of the schema, to show that a call changed none. */
  const tableCounts = async () => {
    const tables = await server.database!.query<{ name: string }>("select tablename as name from pg_tables where schemaname = current_schema() order by 1");
    const counts: Record<string, number> = {};
    for (const { name } of tables) counts[name] = Number((await server.database!.query<{ count: string }>(`select count(*)::text as count from "${name}"`))[0]!.count);
    return counts;
  };
  const asAdmin = (query: string, variables: Record<string, unknown>, requestId: string) =>
    server.graphql(query, { token: admin, variables, headers: { 'x-request-id': requestId } });

  beforeAll(async () => {
    server = await startTestTopup({ kind });
    admin = await server.devToken({ userId: testAdminUserId, role: 'admin' });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('writes exactly one record, in the transaction of its effect, for every Mutation field an admin calls', async () => {
    // Proves the audit covers the whole schema: the Mutation fields come from the built schema, not a list; each is called as an admin with valid input from `adminCalls` (a field without an entry fails here), and then exactly one new record names the admin, the field, the user and the request id; a field with no effect changes no table.
    const fields = Object.keys(createGraphQLSchema().getMutationType()!.getFields()).sort();
    expect(fields.filter((field) => adminCalls[field] === undefined), 'Mutation fields without an entry in adminCalls').toEqual([]);
    for (const [index, field] of fields.entries()) {
      const entry = adminCalls[field]!;
      const requestId = `audit-all-${field}`;
      if (entry === writesNothing) {
        const before = await tableCounts();
        const answer = await asAdmin(`mutation { ${field} }`, {}, requestId);
        expect(answer.body.errors, field).toBeUndefined();
        expect(await tableCounts(), field).toEqual(before);
        continue;
      }
      const userId = `user_AuditAll${index}`;
      await userWithCredits(server.storage, userId, 100);
      const call = await entry({ server, userId });
      const before = await auditCount();
      const answer = await asAdmin(call.query, call.variables, requestId);
      expect(answer.body.errors, field).toBeUndefined();
      const rows = await auditRows(requestId);
      expect(rows, field).toEqual([expect.objectContaining({ actor: testAdminUserId, action: field, user_id: call.userId, refused: false, request_id: requestId })]);
      expect(await auditCount(), `${field} writes one record in all`).toBe(before + 1);
      expect(JSON.stringify(rows[0]!.result), `${field} records its result`).not.toBe('null');
    }
  });

  it('writes no effect and no record of an effect for a mutation that is refused, only one marked refused', async () => {
    // Proves the record shares the effect's transaction: an overdrawing adjustment (refused in SQL), a capture of an unknown hold and an ftp endpoint (refused before SQL) answer their codes, the balance and the ledger are unchanged, and each request id has exactly one record, marked refused, with the error code and no effect.
    const userId = 'user_AuditRefused';
    await userWithCredits(server.storage, userId, 10);
    const entriesBefore = await server.database!.query('select id from credit_ledger where user_id = $1', [userId]);
    const overdraw = await asAdmin(inputMutation('adjustCredits', 'AdjustCreditsInput', 'id'), { input: { userId, delta: -50, reason: 'too much', idempotencyKey: 'refused-1' } }, 'audit-refused-1');
    expect(overdraw.body.errors?.[0]?.extensions?.code).toBe('INSUFFICIENT_CREDITS');
    const unknownHold = await asAdmin(inputMutation('captureCredits', 'CaptureCreditsInput', 'id'), { input: { holdId: 'hold_unknown', amount: 1, idempotencyKey: 'refused-2' } }, 'audit-refused-2');
    expect(unknownHold.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const badUrl = await asAdmin(inputMutation('createWebhookEndpoint', 'CreateWebhookEndpointInput', 'secret'), { input: { url: 'ftp://nowhere' } }, 'audit-refused-3');
    expect(badUrl.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await server.database!.query('select id from credit_ledger where user_id = $1', [userId])).toEqual(entriesBefore);
    expect((await server.topup.ledger.findUser(userId))!.credits).toBe(10);
    const refusals: [string, string, string, string | null][] = [
      ['audit-refused-1', 'adjustCredits', 'INSUFFICIENT_CREDITS', userId],
      ['audit-refused-2', 'captureCredits', 'NOT_FOUND', null],
      ['audit-refused-3', 'createWebhookEndpoint', 'BAD_USER_INPUT', null],
    ];
    for (const [requestId, action, code, targetUserId] of refusals) {
      expect(await auditRows(requestId), requestId).toEqual([
        expect.objectContaining({ actor: testAdminUserId, action, user_id: targetUserId, refused: true, result: { error: expect.objectContaining({ code }) } }),
      ]);
    }
    expect(await server.database!.query("select url from webhook_endpoints where url like 'ftp:%'")).toEqual([]);
    const listed = await server.graphql<{ auditLog: { edges: { node: { requestId: string; refused: boolean } }[] } }>(
      '{ auditLog(filter: { refused: true, actor: "user_admin" }) { edges { node { requestId refused } } } }',
      { token: admin },
    );
    expect(listed.body.data!.auditLog.edges.map((edge) => edge.node.requestId).filter((id) => id.startsWith('audit-refused-'))).toEqual(['audit-refused-3', 'audit-refused-2', 'audit-refused-1']);
    expect(listed.body.data!.auditLog.edges.every((edge) => edge.node.refused)).toBe(true);
  });

  it("writes no record for a service's spends, holds, batches and promotional grants, and one for its threshold", async () => {
    // Proves the hot path gains no row: a service's spend, hold, capture, release, batch and promotional grant are recorded by their ledger and hold rows (with the service as actor) and add no audit record, while its setLowBalanceThreshold, which no other row records, writes one naming the service.
    const userId = 'user_AuditService';
    await userWithCredits(server.storage, userId, 100);
    const asService = (query: string, input: Record<string, unknown>) =>
      server.graphql(query, { token: testServiceKey, variables: { input }, headers: { 'x-request-id': 'audit-service' } });
    const before = await auditCount();
    expect((await asService(inputMutation('spendCredits', 'SpendCreditsInput', 'id'), { userId, amount: 1, idempotencyKey: 'svc-1' })).body.errors).toBeUndefined();
    const holdId = await serviceHold(server, userId);
    expect((await asService(inputMutation('captureCredits', 'CaptureCreditsInput', 'id'), { holdId, amount: 2, idempotencyKey: 'svc-2' })).body.errors).toBeUndefined();
    const hold2 = (await asService(inputMutation('reserveCredits', 'ReserveCreditsInput', 'id'), { userId, amount: 1, idempotencyKey: 'svc-3' })).body.data as { reserveCredits: { id: string } };
    expect((await asService(inputMutation('releaseCredits', 'ReleaseCreditsInput', 'id'), { holdId: hold2.reserveCredits.id })).body.errors).toBeUndefined();
    expect((await asService(inputMutation('spendCreditsBatch', 'SpendCreditsBatchInput', 'idempotencyKey'), { items: [{ userId, amount: 1, idempotencyKey: 'svc-4' }] })).body.errors).toBeUndefined();
    expect((await asService(inputMutation('grantPromotionalCredits', 'GrantPromotionalCreditsInput', 'id'), { userId, credits: 5, reason: 'promo', idempotencyKey: 'svc-5' })).body.errors).toBeUndefined();
    expect(await auditCount()).toBe(before);
    const actors = await server.database!.query<{ actor: string }>("select distinct actor from credit_ledger where user_id = $1 and kind in ('spend', 'promotion')", [userId]);
    expect(actors).toEqual([{ actor: serviceActor }]);

    expect((await asService(inputMutation('setLowBalanceThreshold', 'SetLowBalanceThresholdInput', 'id'), { userId, credits: 20 })).body.errors).toBeUndefined();
    expect(await auditRows('audit-service')).toEqual([expect.objectContaining({ actor: serviceActor, action: 'setLowBalanceThreshold', user_id: userId, input: { userId, credits: 20 } })]);
  });

  it("writes no record for a user's own checkout", async () => {
    // Proves only admins' and services' mutations are audited: a signed-in user's createCreditTopUpSession records the purchase and no audit record.
    const token = await signedInUser(server, 'user_AuditBuyer');
    const answer = await server.graphql(inputMutation('createCreditTopUpSession', 'CreateCreditTopUpSessionInput', 'sessionId'), { token, variables: { input: { credits: 500 } }, headers: { 'x-request-id': 'audit-buyer' } });
    expect(answer.body.errors).toBeUndefined();
    expect(await server.database!.query("select session_id from credit_purchases where user_id = 'user_AuditBuyer'")).toHaveLength(1);
    expect(await auditRows('audit-buyer')).toEqual([]);
  });

  it('never records a webhook secret', async () => {
    // Proves redaction: the secrets answered by createWebhookEndpoint and rotateWebhookEndpointSecret appear nowhere in the audit table or in auditLog's answer.
    const created = await asAdmin(inputMutation('createWebhookEndpoint', 'CreateWebhookEndpointInput', 'endpoint { id } secret'), { input: { url: 'https://app.example/secret' } }, 'audit-secret-1');
    const { endpoint, secret } = (created.body.data as { createWebhookEndpoint: { endpoint: { id: string }; secret: string } }).createWebhookEndpoint;
    const rotated = await asAdmin(idMutation('rotateWebhookEndpointSecret', 'secret'), { id: endpoint.id }, 'audit-secret-2');
    const newSecret = (rotated.body.data as { rotateWebhookEndpointSecret: { secret: string } }).rotateWebhookEndpointSecret.secret;
    expect(secret).toMatch(/^whsec_/);
    const stored = JSON.stringify(await server.database!.query("select * from audit_log where request_id like 'audit-secret-%'"));
    expect(stored).toContain(endpoint.id);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(newSecret);
    expect(stored).not.toContain('whsec_');
    const listed = await server.graphql('{ auditLog(filter: { action: "rotateWebhookEndpointSecret" }) { edges { node { input result } } } }', { token: admin });
    expect(listed.text).toContain(endpoint.id);
    expect(listed.text).not.toContain('whsec_');
  });

  it('filters by actor, action, user and time, and pages with cursors', async () => {
    // Proves auditLog's reads: three adjustments by the admin for two users, filtered each way and paged two at a time newest first, the cursor continuing where the page ended; from/to bound by createdAt.
    const userA = 'user_AuditFilterA';
    const userB = 'user_AuditFilterB';
    await userWithCredits(server.storage, userA, 50);
    await userWithCredits(server.storage, userB, 50);
    const startedAt = (await server.database!.query<{ now: string }>("select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') as now"))[0]!.now;
    for (const [index, userId] of [userA, userB, userA].entries()) {
      const answer = await asAdmin(inputMutation('adjustCredits', 'AdjustCreditsInput', 'id'), { input: { userId, delta: 1, reason: 'filter', idempotencyKey: `filter-${index}` } }, `audit-filter-${index}`);
      expect(answer.body.errors).toBeUndefined();
    }
    const list = async (filter: Record<string, unknown>, page: { first?: number; after?: string | null } = {}) => {
      const answer = await server.graphql<{ auditLog: { edges: { node: { requestId: string; userId: string; actor: string; action: string; input: string; createdAt: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
        'query ($filter: AuditLogFilter, $first: Int, $after: String) { auditLog(filter: $filter, first: $first, after: $after) { edges { node { id actor action userId input result requestId createdAt } } pageInfo { hasNextPage endCursor } } }',
        { token: admin, variables: { filter, ...page } },
      );
      expect(answer.body.errors).toBeUndefined();
      return answer.body.data!.auditLog;
    };
    const ids = (connection: Awaited<ReturnType<typeof list>>) => connection.edges.map((edge) => edge.node.requestId);
    expect(ids(await list({ userId: userA, action: 'adjustCredits' }))).toEqual(['audit-filter-2', 'audit-filter-0']);
    expect(ids(await list({ userId: userB }))).toEqual(['audit-filter-1']);
    const mine = await list({ actor: testAdminUserId, action: 'adjustCredits', from: startedAt });
    expect(ids(mine)).toEqual(['audit-filter-2', 'audit-filter-1', 'audit-filter-0']);
    expect(JSON.parse(mine.edges[0]!.node.input)).toEqual({ userId: userA, delta: 1, reason: 'filter', idempotencyKey: 'filter-2' });
    expect(ids(await list({ actor: 'someone_else' }))).toEqual([]);
    expect(ids(await list({ action: 'adjustCredits', from: startedAt, to: mine.edges[1]!.node.createdAt }))).toEqual(['audit-filter-0']);

    const first = await list({ action: 'adjustCredits', from: startedAt }, { first: 2 });
    expect(ids(first)).toEqual(['audit-filter-2', 'audit-filter-1']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await list({ action: 'adjustCredits', from: startedAt }, { first: 2, after: first.pageInfo.endCursor });
    expect(ids(second)).toEqual(['audit-filter-0']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const badCursor = await server.graphql('{ auditLog(after: "nope") { edges { node { id } } } }', { token: admin });
    expect(badCursor.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers FORBIDDEN to users and services, UNAUTHENTICATED to anonymous callers', async () => {
    // Proves auditLog is for admins only: a signed-in user and a service key are refused with FORBIDDEN and see no record, an anonymous caller with UNAUTHENTICATED.
    const query = '{ auditLog { edges { node { id actor } } } }';
    const user = await signedInUser(server, 'user_AuditNosy');
    for (const token of [user, testServiceKey]) {
      const answer = await server.graphql(query, { token });
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(answer.body.data ?? null).toBeNull();
    }
    expect((await server.graphql(query)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
