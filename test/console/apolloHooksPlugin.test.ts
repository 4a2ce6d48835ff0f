/**
 * Proves the local codegen plugin: one typed hook per operation, options required exactly when an
 * operation has a required variable, and a clear refusal of what it cannot name (anonymous,
 * non-PascalCase or duplicate operations, subscriptions). That the generated hooks compile against
 * Apollo Client 4 is proved by `npm run typecheck`, which checks console/src/generated/hooks.ts.
 */
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { plugin } from '../../console/codegen/apolloHooksPlugin.js';

const schema = buildSchema('type Query { a: Int } type Mutation { b(x: Int!): Int }');
const run = (source: string, location = 'ops.graphql') => plugin(schema, [{ document: parse(source), location }], {});

describe('apolloHooksPlugin', () => {
  it('emits a query hook, a lazy query hook and a mutation hook wrapping the typed documents', () => {
    const output = run('query Me { a } query Quote($credits: Int!, $note: String) { a } mutation Adjust($x: Int!) { b(x: $x) } fragment F on Query { a }');
    expect(output).toContain("import { useQuery, useLazyQuery, useMutation } from '@apollo/client/react';");
    expect(output).toContain("import { AdjustDocument, MeDocument, QuoteDocument } from './graphql.js';");
    expect(output).toContain(
      'export function useMeQuery(options?: useQuery.Options<MeQuery, MeQueryVariables> | SkipToken) {\n  return useQuery(MeDocument, options);\n}',
    );
    expect(output).toContain('export function useQuoteQuery(options: useQuery.Options<QuoteQuery, QuoteQueryVariables> | SkipToken) {');
    expect(output).toContain('export function useQuoteLazyQuery(options?: useLazyQuery.Options<QuoteQuery, QuoteQueryVariables>) {');
    expect(output).toContain(
      'export function useAdjustMutation(options?: useMutation.Options<AdjustMutation, AdjustMutationVariables>) {\n  return useMutation(AdjustDocument, options);\n}',
    );
    expect(output).not.toContain('useF');
  });

  it('keeps variables with a default value optional', () => {
    expect(run('query Page($first: Int! = 20) { a }')).toContain('export function usePageQuery(options?:');
  });

  it('refuses operations it cannot name well', () => {
    expect(() => run('{ a }')).toThrow(/every operation needs a name/);
    expect(() => run('query me { a }')).toThrow(/must be PascalCase/);
    expect(() => run('query MeQuery { a }')).toThrow(/must not end with Query/);
    expect(() => plugin(schema, [{ document: parse('query Me { a }'), location: 'a.graphql' }, { document: parse('query Me { a }'), location: 'b.graphql' }], {})).toThrow(
      /defined twice \(a\.graphql, b\.graphql\)/,
    );
    expect(() => run('subscription Ticks { a }')).toThrow(/not supported/);
  });
});
