import { errorCodes, TopupError, type ErrorCode } from '../errors.ts';

/**
 * SQLSTATE codes that the SQL functions raise for operating errors (see `server/db/functions/`). They reach
 * us as `error.code` from pg and PGlite, and as the `code` field of PostgREST's error body from
 * supabase-js, so one table maps all three to the same `TopupError`.
 */
export const sqlStates = {
  badUserInput: 'TU400',
  notFound: 'TU404',
  insufficientCredits: 'TU402',
  idempotencyConflict: 'TU409',
  holdNotActive: 'TU410',
  paymentMethodRequired: 'TU428',
} as const;

const codeBySqlState: Record<string, ErrorCode> = {
  [sqlStates.badUserInput]: errorCodes.badUserInput,
  [sqlStates.notFound]: errorCodes.notFound,
  [sqlStates.insufficientCredits]: errorCodes.insufficientCredits,
  [sqlStates.idempotencyConflict]: errorCodes.idempotencyConflict,
  [sqlStates.holdNotActive]: errorCodes.holdNotActive,
  [sqlStates.paymentMethodRequired]: errorCodes.paymentMethodRequired,
  // A parameter PostgreSQL could not convert (a fraction for a bigint, a malformed timestamp, a
  // number out of range): the caller's input was bad, whatever layer let it through.
  '22P02': errorCodes.badUserInput,
  '22003': errorCodes.badUserInput,
  '22007': errorCodes.badUserInput,
  '22008': errorCodes.badUserInput,
  // Text PostgreSQL cannot store (a NUL byte: 22021 in text, 22P05 in jsonb) or that is too long for
  // its column (22001): also the caller's input.
  '22021': errorCodes.badUserInput,
  '22P05': errorCodes.badUserInput,
  '22001': errorCodes.badUserInput,
};

/** The SQLSTATEs above that PostgreSQL raises itself: its message names types and values, so it is not shown. */
const postgresOwnStates = new Set(['22P02', '22003', '22007', '22008', '22021', '22P05', '22001']);

/** The code of a known SQLSTATE (a batch item's failure), or BAD_USER_INPUT for a data error without one of its own. */
export function sqlStateErrorCode(sqlState: string): ErrorCode {
  return codeBySqlState[sqlState] ?? errorCodes.badUserInput;
}

/** The parts of a database error that every adapter can provide. */
export interface SqlErrorFields {
  code?: string;
  message?: string;
  detail?: string;
}

/** Returns the domain error for a known SQLSTATE, or null for anything else (a transient or a bug). */
export function toTopupError(error: SqlErrorFields): TopupError | null {
  const code = error.code === undefined ? undefined : codeBySqlState[error.code];
  if (code === undefined) return null;
  let details: Record<string, unknown> | undefined;
  if (error.detail) {
    try {
      details = JSON.parse(error.detail) as Record<string, unknown>;
    } catch {
      details = undefined;
    }
  }
  if (error.code !== undefined && postgresOwnStates.has(error.code)) {
    return new TopupError(code, 'The input holds a value that cannot be stored: out of range, malformed, too long, or a NUL character');
  }
  return new TopupError(code, error.message ?? code, details);
}
