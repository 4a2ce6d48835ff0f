/**
 * The shapes the ledger's SQL functions return (as JSON), shared by every storage adapter.
 * Credit amounts are JavaScript numbers: the SQL columns are bigint, and the functions refuse
 * values outside JavaScript's safe integer range, so a number never loses precision here.
 */

import type { HoldStatus, LedgerKind, LotKind } from '../vocabulary.ts';

// The kinds are words of the one vocabulary (`server/vocabulary.ts`); re-exported for the ledger's code.
export { ledgerKinds } from '../vocabulary.ts';
export type { LedgerKind } from '../vocabulary.ts';

/** One row of `credit_ledger`. */
export interface LedgerEntryRow {
  id: string;
  userId: string;
  delta: number;
  balanceAfter: number;
  kind: LedgerKind;
  reason: string | null;
  actor: string;
  idempotencyKey: string | null;
  /** What caused the entry: `checkout_session`, `refund`, `dispute`, `admin`, `service`. */
  sourceType: string | null;
  sourceId: string | null;
  /** The checkout session for purchase, refund and dispute entries. */
  purchaseSessionId: string | null;
  /** ISO 8601 with time zone. */
  createdAt: string;
  /** How the entry changed lots; present on ledger pages (`list_ledger_entries`), absent on mutation results. */
  lotChanges?: LotChangeRow[];
}

/** How one ledger entry changed one lot (`entry_lot_changes`): signed like the entry's delta. */
export interface LotChangeRow {
  lotId: string;
  lotKind: LotKind;
  lotExpiresAt: string | null;
  /** Positive: what the entry's grant put into the lot it made; negative: what it drew from the lot. */
  credits: number;
}

/** One row of `credit_lots`: a grant and what is left of it (`remaining` is 0 once expired). */
export interface CreditLotRow {
  id: string;
  userId: string;
  kind: LotKind;
  credits: number;
  remaining: number;
  expiresAt: string | null;
  createdAt: string;
  purchaseSessionId: string | null;
}

/** One row of `credit_holds`, its status as of the read (an active hold past its expiry is `expired`). */
export interface CreditHoldRow {
  id: string;
  userId: string;
  amount: number;
  status: HoldStatus;
  reason: string | null;
  expiresAt: string;
  capturedCredits: number | null;
  createdAt: string;
}

/** One item of a batch spend: the entry, or the error it would have had alone. */
export interface SpendResultRow {
  idempotencyKey: string;
  entry: LedgerEntryRow | null;
  error: { code: string; message: string } | null;
}

/** One row of `users`. */
export interface UserRow {
  id: string;
  email: string | null;
  /** The balance as of the read: credits past their expiry never count, swept or not. */
  credits: number;
  /** Credits reserved by active, unexpired holds. */
  heldCredits: number;
  lastCreditUpdate: string | null;
  stripeCustomerId: string | null;
  createdAt: string;
  /** Set when the user was deleted in Clerk (its ledger stays; its email is gone). */
  deletedAt: string | null;
}

/** A page of a keyset-paginated list, newest first. */
export interface Page<Node> {
  nodes: Node[];
  /** Opaque cursor per node, in the same order. */
  cursors: string[];
  hasNextPage: boolean;
}
