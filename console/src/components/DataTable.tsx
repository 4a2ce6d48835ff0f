import type { ReactNode } from 'react';

export interface DataTableColumn {
  label: string;
  /** Right-aligned, for amounts. */
  numeric?: boolean;
  /** Read by screen readers only (a column of buttons). */
  hidden?: boolean;
}

interface DataTableProps {
  /** What the table lists, for screen readers. */
  caption: string;
  /** The column headings, in order; `false` leaves a column out (`showUser && column`). */
  columns: ReadonlyArray<DataTableColumn | false>;
  /** Extra class names of the table, e.g. `ledger-table`. */
  className?: string;
  /** The rows (`<tr>`), whose cells carry `data-label`, so a phone shows each row as a small card. */
  children: ReactNode;
}

/**
 * Every list table of the console: scrolls sideways when it must, a hidden caption, one heading per
 * column. The scrolling box is a named region that takes the focus, so a keyboard can scroll it too.
 */
export function DataTable({ caption, columns, className, children }: DataTableProps) {
  return (
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table className={className ? `data-table ${className}` : 'data-table'}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map(
              (column) =>
                column && (
                  <th key={column.label} scope="col" className={column.numeric ? 'numeric' : undefined}>
                    {column.hidden ? <span className="visually-hidden">{column.label}</span> : column.label}
                  </th>
                ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
