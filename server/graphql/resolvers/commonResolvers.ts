import type { Resolvers } from '../generated/resolversTypes.ts';
import { dateTimeScalar } from '../scalars/dateTimeScalar.ts';
import { safeIntScalar } from '../scalars/safeIntScalar.ts';

/** Scalars and the schema's placeholder root fields. */
export const commonResolvers: Resolvers = {
  SafeInt: safeIntScalar,
  DateTime: dateTimeScalar,
  Query: {
    ok: () => true,
  },
  Mutation: {
    // Exists only so that `extend type Mutation` has a type to extend; does nothing.
    _noop: () => null,
  },
};
