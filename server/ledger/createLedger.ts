import type { Storage } from '../db/storage.ts';
import { adjustCredits } from './adjustCredits.ts';
import { creditStats, type CreditStatsRow } from './creditStats.ts';
import { ensureUser } from './ensureUser.ts';
import { findUser } from './findUser.ts';
import { grantCredits } from './grantCredits.ts';
import type { LedgerEntryRow, Page, UserRow } from './ledgerTypes.ts';
import { listLedgerEntries, type LedgerFilter } from './listLedgerEntries.ts';
import { listUsers, type UserSort } from './listUsers.ts';
import { spendCredits } from './spendCredits.ts';
import { verifyLedger, type LedgerVerification } from './verifyLedger.ts';
import {
  configureLedger,
  grantPromotionalCredits,
  listLots,
  lotChangesOf,
  sweepExpiredCredits,
  type ExpirySweep,
  type LedgerSettings,
} from './creditLots.ts';
import { captureCredits, listHolds, releaseCredits, reserveCredits } from './creditHolds.ts';
import { spendCreditsBatch } from './spendCreditsBatch.ts';
import type { CreditHoldRow, CreditLotRow, LotChangeRow, SpendResultRow } from './ledgerTypes.ts';

/**
 * The ledger as the transports see it: users, balances and credit movements, with the storage bound
 * once at boot. Resolvers call this and never hold a storage handle. Each method is one function of
 * this folder (one SQL function each); read those for the rules and the errors they can return.
 */
export interface Ledger {
  findUser(userId: string): Promise<UserRow | null>;
  /** First sight of a verified user creates its row; a changed email is updated. */
  ensureUser(options: { userId: string; email: string | null }): Promise<UserRow>;
  /**
   * The caller's own row: a read for a known user with an unchanged email (the hot path of `me`),
   * an upsert only for a new user or a changed email, so `me` never contends with the user's spends.
   */
  viewerUser(options: { userId: string; email: string | null }): Promise<UserRow>;
  /** What a Clerk user webhook says; order and repetition do not matter (see `sync_clerk_user`). */
  syncClerkUser(options: { userId: string; email: string | null; deleted: boolean; profileUpdatedAt: string | null }): Promise<UserRow>;
  listUsers(options: { search?: string | null; sort: UserSort; first?: number | null; after?: string | null }): Promise<Page<UserRow>>;
  listEntries(options: LedgerFilter & { first?: number | null; after?: string | null }): Promise<Page<LedgerEntryRow>>;
  grant(options: Parameters<typeof grantCredits>[1]): Promise<LedgerEntryRow>;
  adjust(options: Parameters<typeof adjustCredits>[1]): Promise<LedgerEntryRow>;
  spend(options: Parameters<typeof spendCredits>[1]): Promise<LedgerEntryRow>;
  grantPromotional(options: Parameters<typeof grantPromotionalCredits>[1]): Promise<LedgerEntryRow>;
  spendBatch(options: Parameters<typeof spendCreditsBatch>[1]): Promise<SpendResultRow[]>;
  lots(options: Parameters<typeof listLots>[1]): Promise<CreditLotRow[]>;
  /** How each of these entries (at most 1,000) changed lots, by entry id. */
  lotChangesOf(entryIds: string[]): Promise<Map<string, LotChangeRow[]>>;
  reserve(options: Parameters<typeof reserveCredits>[1]): Promise<CreditHoldRow>;
  capture(options: Parameters<typeof captureCredits>[1]): Promise<CreditHoldRow>;
  release(options: Parameters<typeof releaseCredits>[1]): Promise<CreditHoldRow>;
  holds(options: Parameters<typeof listHolds>[1]): Promise<CreditHoldRow[]>;
  /** One sweep of expired lots and holds (the job every instance runs, `scheduleExpirySweep`). */
  sweepExpired(options: { limit: number }): Promise<ExpirySweep>;
  stats(options: { from: string; to: string; interval: 'day' | 'week' }): Promise<CreditStatsRow[]>;
  verify(): Promise<LedgerVerification>;
  /** Writes the config's ledger settings (`PURCHASED_CREDITS_EXPIRE_DAYS`), at boot. */
  configure(settings: LedgerSettings): Promise<LedgerSettings>;
}

export function createLedger(storage: Storage): Ledger {
  return {
    findUser: (userId) => findUser(storage, userId),
    ensureUser: (options) => ensureUser(storage, options),
    async viewerUser(options) {
      const existing = await findUser(storage, options.userId);
      if (existing !== null && (options.email === null || options.email === existing.email)) return existing;
      return ensureUser(storage, options);
    },
    syncClerkUser: (options) =>
      storage.call<UserRow>('sync_clerk_user', {
        p_user_id: options.userId,
        p_email: options.email,
        p_deleted: options.deleted,
        p_profile_updated_at: options.profileUpdatedAt,
      }),
    listUsers: (options) => listUsers(storage, options),
    listEntries: (options) => listLedgerEntries(storage, options),
    grant: (options) => grantCredits(storage, options),
    adjust: (options) => adjustCredits(storage, options),
    spend: (options) => spendCredits(storage, options),
    grantPromotional: (options) => grantPromotionalCredits(storage, options),
    spendBatch: (options) => spendCreditsBatch(storage, options),
    lots: (options) => listLots(storage, options),
    lotChangesOf: (entryIds) => lotChangesOf(storage, entryIds),
    reserve: (options) => reserveCredits(storage, options),
    capture: (options) => captureCredits(storage, options),
    release: (options) => releaseCredits(storage, options),
    holds: (options) => listHolds(storage, options),
    sweepExpired: (options) => sweepExpiredCredits(storage, options),
    stats: (options) => creditStats(storage, options),
    verify: () => verifyLedger(storage),
    configure: (settings) => configureLedger(storage, settings),
  };
}
