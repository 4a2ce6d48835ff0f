import { GraphQLScalarType, Kind } from 'graphql';
import { errorCodes, TopupError } from '../../errors.ts';

/**
 * Integers in JavaScript's safe range, for every credit and money amount: GraphQL's `Int` stops at
 * 2^31 - 1, and a float would silently round. Input that is not an integer in range is refused with
 * BAD_USER_INPUT; output that is not one is a bug and fails loudly.
 */
export const safeIntScalar = new GraphQLScalarType<number, number>({
  name: 'SafeInt',
  serialize(value) {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    throw new Error(`SafeInt cannot represent ${String(value)}`);
  },
  parseValue(value) {
    return parseSafeInt(value);
  },
  parseLiteral(node) {
    // Only integer literals: `1.0`, `"5"` and `true` are refused, like a JSON 1.5 or "5" variable.
    if (node.kind !== Kind.INT) {
      throw new TopupError(errorCodes.badUserInput, 'SafeInt must be an integer literal');
    }
    return parseSafeInt(Number(node.value));
  },
});

function parseSafeInt(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TopupError(errorCodes.badUserInput, 'SafeInt must be an integer');
  }
  if (!Number.isSafeInteger(value)) {
    throw new TopupError(errorCodes.badUserInput, 'SafeInt must be between -(2^53 - 1) and 2^53 - 1');
  }
  return value;
}
