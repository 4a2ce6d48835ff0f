import { errorCodes, TopupError } from '../errors.ts';
import type { Page } from './ledgerTypes.ts';

/** Page sizes of every list: a client that asks for nothing gets 20, and nobody gets more than 100. */
export const pageSizeDefault = 20;
export const pageSizeMax = 100;

/** Validates `first`. Errors: BAD_USER_INPUT outside 1..pageSizeMax. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return pageSizeDefault;
  if (!Number.isInteger(first) || first < 1 || first > pageSizeMax) {
    throw new TopupError(errorCodes.badUserInput, `first must be between 1 and ${pageSizeMax}`, { first });
  }
  return first;
}

/**
 * Cursors are opaque to clients: base64url of "<scope>|<raw keyset position>". The scope stops a
 * cursor of one list (or one sort order) from being used in another.
 */
export function encodeCursor(scope: string, raw: string): string {
  return Buffer.from(`${scope}|${raw}`, 'utf8').toString('base64url');
}

/** Errors: BAD_USER_INPUT for a cursor that is malformed or from another list. */
export function decodeCursor(scope: string, cursor: string | null | undefined): string | null {
  if (cursor === null || cursor === undefined) return null;
  const decoded = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!decoded.startsWith(`${scope}|`) || decoded.length === scope.length + 1) {
    throw new TopupError(errorCodes.badUserInput, 'after is not a valid cursor for this list');
  }
  return decoded.slice(scope.length + 1);
}

/** Turns the SQL functions' `[{node, cursor}]` (one row more than the page) into a `Page`. */
export function toPage<Node>(scope: string, rows: { node: Node; cursor: string }[], size: number): Page<Node> {
  const pageRows = rows.slice(0, size);
  return {
    nodes: pageRows.map((row) => row.node),
    cursors: pageRows.map((row) => encodeCursor(scope, row.cursor)),
    hasNextPage: rows.length > size,
  };
}
