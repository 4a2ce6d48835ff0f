import type { LedgerEntriesQuery } from '../../generated/graphql.ts';
import { ledgerCsvHeader, ledgerCsvLine } from './ledgerCsv.ts';

type LedgerConnection = LedgerEntriesQuery['ledgerEntries'];

export interface ExportLedgerCsvOptions {
  /** Fetches one page of the filtered ledger (the caller binds the filter). */
  fetchPage: (page: { first: number; after: string | null }) => Promise<LedgerConnection>;
  onProgress: (entriesWritten: number) => void;
  signal?: AbortSignal;
}

export const exportLimits = {
  /** The API's page size for the export (its maximum). */
  pageSize: 100,
  /** A bound on the loop: ten million entries. */
  pagesMax: 100_000,
  /** Pages of text kept as strings before they are folded into a Blob, which the browser may keep on disk. */
  pagesPerBlob: 50,
} as const;

/**
 * Writes the filtered ledger to a CSV Blob page by page, so a large export never holds every
 * entry as objects: each page becomes text right away, and the text is folded into Blobs as it
 * grows. Reports progress after each page; stops when `signal` aborts.
 */
export async function exportLedgerCsv({ fetchPage, onProgress, signal }: ExportLedgerCsvOptions): Promise<{ blob: Blob; entries: number }> {
  let parts: BlobPart[] = [ledgerCsvHeader];
  let after: string | null = null;
  let entries = 0;
  for (let page = 1; page <= exportLimits.pagesMax; page += 1) {
    signal?.throwIfAborted();
    const connection = await fetchPage({ first: exportLimits.pageSize, after });
    signal?.throwIfAborted();
    parts.push(connection.edges.map((edge) => ledgerCsvLine(edge.node)).join(''));
    entries += connection.edges.length;
    onProgress(entries);
    if (page % exportLimits.pagesPerBlob === 0) parts = [new Blob(parts)];
    const next = connection.pageInfo.endCursor;
    if (!connection.pageInfo.hasNextPage || !next || next === after) {
      return { blob: new Blob(parts, { type: 'text/csv;charset=utf-8' }), entries };
    }
    after = next;
  }
  throw new Error(`The export stopped after ${exportLimits.pagesMax} pages.`);
}

/** Hands a Blob to the browser as a download. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.style.display = 'none';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
