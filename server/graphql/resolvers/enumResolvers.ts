import { allGraphQLEnumValues } from '../../vocabulary.ts';
import type { Resolvers } from '../generated/resolversTypes.ts';

/**
 * Internal values of the GraphQL enums: the lower-case words the database and the domain use,
 * derived from `server/vocabulary.ts` (`codegen.ts` derives the types' `enumValues` from the same
 * words). graphql-js translates in both directions, so resolvers receive `'purchase'` for
 * `PURCHASE` in arguments and return rows as they are.
 */
export const enumResolvers: Resolvers = allGraphQLEnumValues();
