import type { LotChangeRow } from '../../ledger/ledgerTypes.ts';
import { requestBatchLoader } from './requestBatchLoader.ts';

/**
 * `LedgerEntry.lotChanges` of entries that do not carry them (mutation results: a batch spend's
 * 1,000 entries): one `lot_changes_of_entries` call per request tick. Ledger pages carry them already.
 */
export const loadLotChanges = requestBatchLoader<LotChangeRow[]>(
  (context, entryIds) => context.services.ledger.lotChangesOf(entryIds),
  [],
);
