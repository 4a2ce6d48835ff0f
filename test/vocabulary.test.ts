import { GraphQLEnumType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphQLSchema } from '../server/graphql/createGraphQLSchema.ts';
import { autoTopUpAttemptStatuses, autoTopUpStatuses, graphQLEnumName, graphQLEnumWords, ledgerKinds, mailStatuses, mailTemplates, purchaseStatuses, stripeEventOutcomes } from '../server/vocabulary.ts';
import { createTestStorage } from './support/testStorage.ts';
import type { TestStorage } from './support/testStorage.ts';

// Proves that the one vocabulary (`server/vocabulary.ts`) is the database's and the API's: a fresh
// PGlite database is migrated and each list is compared with the CHECK constraint of its column,
// read from the catalog (not from the SQL files), and with the GraphQL schema's enum names and the
// internal values its resolvers translate them to. A word added in one place only fails here.
describe('the vocabulary', () => {
  let testStorage: TestStorage;

  beforeAll(async () => {
    testStorage = await createTestStorage('pglite');
  });

  afterAll(async () => {
    await testStorage.close();
  });

  /** The words a CHECK constraint on `table.column` allows: `column IN (...)` as the catalog prints it. */
  async function wordsAllowedBy(table: string, column: string): Promise<string[]> {
    const rows = await testStorage.database.query<{ definition: string }>(
      `select pg_get_constraintdef(c.oid) as definition
         from pg_constraint c
         join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
        where c.contype = 'c' and c.conrelid = $1::regclass and a.attname = $2 and array_length(c.conkey, 1) = 1`,
      [table, column],
    );
    // PostgreSQL prints `kind IN ('a', 'b')` as `CHECK ((kind = ANY (ARRAY['a'::text, 'b'::text])))`.
    const lists = rows.map((row) => [...row.definition.matchAll(/'((?:[^']|'')*)'::text/g)].map((match) => match[1]!.replaceAll("''", "'")));
    const enumerations = lists.filter((words) => words.length > 0);
    expect(enumerations, `one CHECK constraint listing the words of ${table}.${column}`).toHaveLength(1);
    return enumerations[0]!;
  }

  it('has the words of the CHECK constraint on credit_ledger.kind, in order', async () => {
    expect(await wordsAllowedBy('credit_ledger', 'kind')).toEqual([...ledgerKinds]);
  });

  it('has the words of the CHECK constraint on credit_purchases.status, in order', async () => {
    expect(await wordsAllowedBy('credit_purchases', 'status')).toEqual([...purchaseStatuses]);
  });

  it('has the words of the CHECK constraints on mail_outbox.template and mail_outbox.status, in order', async () => {
    expect(await wordsAllowedBy('mail_outbox', 'template')).toEqual([...mailTemplates]);
    expect(await wordsAllowedBy('mail_outbox', 'status')).toEqual([...mailStatuses]);
  });

  it('has the words of the CHECK constraint on stripe_events.outcome_kind, in order', async () => {
    expect(await wordsAllowedBy('stripe_events', 'outcome_kind')).toEqual([...stripeEventOutcomes]);
  });

  it('has the words of the CHECK constraints on auto_top_up_settings.status and auto_top_up_attempts.status, in order', async () => {
    expect(await wordsAllowedBy('auto_top_up_settings', 'status')).toEqual([...autoTopUpStatuses]);
    expect(await wordsAllowedBy('auto_top_up_attempts', 'status')).toEqual([...autoTopUpAttemptStatuses]);
  });

  it('names every GraphQL enum and maps each name to its word', () => {
    const schema = createGraphQLSchema();
    const schemaEnums = Object.values(schema.getTypeMap())
      .filter((type): type is GraphQLEnumType => type instanceof GraphQLEnumType && !type.name.startsWith('__'))
      .map((type) => type.name)
      .sort();
    expect(schemaEnums).toEqual(Object.keys(graphQLEnumWords).sort());

    for (const [enumName, words] of Object.entries(graphQLEnumWords)) {
      const type = schema.getType(enumName);
      expect(type, enumName).toBeInstanceOf(GraphQLEnumType);
      const values = (type as GraphQLEnumType).getValues().map((value) => ({ name: value.name, value: value.value as unknown }));
      expect(values, enumName).toEqual(words.map((word) => ({ name: graphQLEnumName(word), value: word })));
    }
  });
});
