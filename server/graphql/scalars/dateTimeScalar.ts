import { GraphQLScalarType, Kind } from 'graphql';
import { errorCodes, TopupError } from '../../errors.ts';

/** ISO 8601 date-time with an explicit offset (`Z` or `+hh:mm`): a time without one is ambiguous. */
const isoDateTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Instants as ISO 8601 strings, always returned in UTC with milliseconds (`toISOString`).
 * PostgreSQL's timestamps have microseconds; they are display values here, never cursors, so the
 * rounding is harmless.
 */
export const dateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
    if (date === null || Number.isNaN(date.getTime())) throw new Error(`DateTime cannot represent ${String(value)}`);
    return date.toISOString();
  },
  parseValue(value) {
    return parseDateTime(value);
  },
  parseLiteral(node) {
    if (node.kind !== Kind.STRING) throw new TopupError(errorCodes.badUserInput, 'DateTime must be a string');
    return parseDateTime(node.value);
  },
});

function parseDateTime(value: unknown): string {
  if (typeof value !== 'string' || !isoDateTimePattern.test(value)) {
    throw new TopupError(errorCodes.badUserInput, 'DateTime must be ISO 8601 with a time zone, e.g. 2026-11-24T01:22:07.123Z');
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new TopupError(errorCodes.badUserInput, `DateTime "${value}" is not a valid instant`);
  return date.toISOString();
}
