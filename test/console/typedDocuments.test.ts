/**
 * Proves, at the type level, that Apollo Client 4's hooks type the console's generated documents on
 * their own (which is why the console has no generated hooks): the data of `useQuery(MeDocument)`
 * has `me.credits: number`, variables are required where the operation requires them, a mutation's
 * input is checked, and the console's enum types are the vocabulary's words in GraphQL's case.
 * `tsc --noEmit` (npm run typecheck) checks this file; each `@ts-expect-error` fails the typecheck
 * if the types were `any`. The hooks are only referenced in types, never called.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { describe, expectTypeOf, it } from 'vitest';
import { AdjustCreditsDocument, AdminUserDocument, MeDocument, PricingDocument } from '../../console/src/generated/graphql.ts';
import type { LedgerKind, Role, StatsInterval, TopUpStatus, UserSort } from '../../console/src/generated/graphql.ts';
import type * as vocabulary from '../../server/vocabulary.ts';
import type { GraphQLEnumName } from '../../server/vocabulary.ts';

function meQuery() {
  return useQuery(MeDocument);
}

function adminUserQuery(id: string) {
  return useQuery(AdminUserDocument, { variables: { id } });
}

function adjustCreditsMutation() {
  return useMutation(AdjustCreditsDocument);
}

describe('the typed documents', () => {
  it('type the data of useQuery from the document alone', () => {
    type MeData = NonNullable<ReturnType<typeof meQuery>['data']>;
    expectTypeOf<MeData['me']['credits']>().toEqualTypeOf<number>();
    expectTypeOf<MeData['me']['email']>().toEqualTypeOf<string | null>();
    type UserData = NonNullable<ReturnType<typeof adminUserQuery>['data']>;
    // `user(id)` may find nobody.
    expectTypeOf<UserData['user']>().toExtend<{ credits: number } | null>();

    function notAny(data: MeData) {
      // @ts-expect-error credits is a number: this line compiles only if the data were `any`.
      const credits: string = data.me.credits;
      return credits;
    }
    expectTypeOf(notAny).toBeFunction();
  });

  it('require the variables an operation requires, and only where it does', () => {
    function queries() {
      // An operation without variables takes no options at all.
      useQuery(PricingDocument);
      // @ts-expect-error AdminUser needs $id.
      useQuery(AdminUserDocument);
      // @ts-expect-error $id must be given.
      useQuery(AdminUserDocument, { variables: {} });
      // @ts-expect-error there is no $userId.
      useQuery(AdminUserDocument, { variables: { id: 'user_1', userId: 'user_1' } });
    }
    expectTypeOf(queries).toBeFunction();
  });

  it('check the input of a mutation', () => {
    type Mutate = ReturnType<typeof adjustCreditsMutation>[0];
    function send(mutate: Mutate) {
      void mutate({ variables: { input: { userId: 'user_1', delta: 5, reason: 'Support ticket', idempotencyKey: 'key_1' } } });
      // @ts-expect-error delta is a number of credits.
      void mutate({ variables: { input: { userId: 'user_1', delta: '5', reason: 'Support ticket', idempotencyKey: 'key_1' } } });
    }
    expectTypeOf(send).toBeFunction();
    type Entry = NonNullable<Awaited<ReturnType<Mutate>>['data']>['adjustCredits'];
    expectTypeOf<Entry['balanceAfter']>().toEqualTypeOf<number>();
  });

  it('have the enums of the vocabulary, in GraphQL case', () => {
    expectTypeOf<LedgerKind>().toEqualTypeOf<GraphQLEnumName<vocabulary.LedgerKind>>();
    expectTypeOf<TopUpStatus>().toEqualTypeOf<GraphQLEnumName<vocabulary.PurchaseStatus>>();
    expectTypeOf<UserSort>().toEqualTypeOf<GraphQLEnumName<vocabulary.UserSort>>();
    expectTypeOf<StatsInterval>().toEqualTypeOf<GraphQLEnumName<vocabulary.StatsInterval>>();
    expectTypeOf<Role>().toEqualTypeOf<GraphQLEnumName<vocabulary.Role>>();
  });
});
