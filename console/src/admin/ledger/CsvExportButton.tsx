import { useApolloClient } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatCountOf } from '../../format/formatCount.ts';
import { LedgerEntriesDocument } from '../../generated/graphql.ts';
import type { AdminLedgerFilter } from '../../generated/graphql.ts';
import { downloadBlob, exportLedgerCsv } from './exportLedgerCsv.ts';
import { ledgerCsvFileName } from './ledgerCsv.ts';

const entryNoun = { one: 'entry', other: 'entries' };

type ExportState =
  | { phase: 'idle' }
  | { phase: 'running'; entries: number }
  | { phase: 'done'; entries: number }
  | { phase: 'failed'; error: unknown };

/**
 * Exports exactly the filtered set the table shows, every page of it, as CSV, with progress, under
 * a file name that says the filter (`days`: the date filter as the admin chose it, YYYY-MM-DD).
 */
export function CsvExportButton({ filter, days }: { filter: AdminLedgerFilter; days?: { from: string; to: string } }) {
  const client = useApolloClient();
  const [state, setState] = useState<ExportState>({ phase: 'idle' });
  const abortRef = useRef<AbortController | null>(null);

  useEffect(() => () => abortRef.current?.abort(), []);

  const start = async () => {
    const controller = new AbortController();
    abortRef.current = controller;
    setState({ phase: 'running', entries: 0 });
    try {
      const { blob, entries } = await exportLedgerCsv({
        signal: controller.signal,
        onProgress: (written) => setState({ phase: 'running', entries: written }),
        fetchPage: async ({ first, after }) => {
          const { data } = await client.query({ query: LedgerEntriesDocument, variables: { filter, first, after }, fetchPolicy: 'no-cache' });
          if (!data) throw new Error('The ledger page came back empty.');
          return data.ledgerEntries;
        },
      });
      downloadBlob(blob, ledgerCsvFileName(filter, new Date(), days));
      setState({ phase: 'done', entries });
    } catch (error) {
      setState(controller.signal.aborted ? { phase: 'idle' } : { phase: 'failed', error });
    } finally {
      if (abortRef.current === controller) abortRef.current = null;
    }
  };

  return (
    <div className="export">
      {state.phase === 'running' ? (
        <button type="button" className="button" onClick={() => abortRef.current?.abort()}>
          Cancel export
        </button>
      ) : (
        <button type="button" className="button" onClick={() => void start()}>
          Export CSV
        </button>
      )}
      <p className="export__status" role="status" aria-live="polite">
        {state.phase === 'running' && (
          <>
            <progress aria-label="Export progress" /> Exporting… {formatCountOf(state.entries, entryNoun)}
          </>
        )}
        {state.phase === 'done' && `Exported ${formatCountOf(state.entries, entryNoun)}.`}
      </p>
      {state.phase === 'failed' && <ErrorNotice error={state.error} />}
    </div>
  );
}
