import type { ReactNode } from 'react';

export interface DataTableColumn {
  label: string;
  /** Right-aligned, for amounts. */
  numeric?: boolean;
  /** Read by screen readers only (a column of buttons). */
  hidden?: boolean;
  /** A column the list can be ordered by: its heading is a button, and says the order it is in. */
  sort?: { direction: 'ascending' | 'descending' | 'none'; onSort: () => void };
  /** Replaces the heading's text (a "select all" checkbox); `label` still names the column. */
  heading?: ReactNode;
}

interface DataTableProps {
  /** What the table lists, for screen readers. */
  caption: string;
  /** The column headings, in order; `false` leaves a column out (`showUser && column`). */
  columns: ReadonlyArray<DataTableColumn | false>;
  /** Extra class names of the table, e.g. `ledger-table`. */
  className?: string;
  /**
   * A long admin list: denser rows, and at most a window high, scrolling inside with its column
   * headings kept in sight (sticky).
   */
  dense?: boolean;
  /** The rows (`<tr>`), whose cells carry `data-label`, so a phone shows each row as a small card. */
  children: ReactNode;
}

const sortArrows = { ascending: '↑', descending: '↓', none: '↕' } as const;

function ColumnHeading({ column }: { column: DataTableColumn }) {
  const className = [column.numeric && 'numeric', column.sort && 'sortable'].filter(Boolean).join(' ') || undefined;
  if (column.sort) {
    const { direction, onSort } = column.sort;
    return (
      <th scope="col" className={className} aria-sort={direction}>
        <button type="button" className="sort-button" onClick={onSort}>
          {column.label}
          <span aria-hidden="true" className={direction === 'none' ? 'sort-button__arrow sort-button__arrow--idle' : 'sort-button__arrow'}>
            {sortArrows[direction]}
          </span>
        </button>
      </th>
    );
  }
  return (
    <th scope="col" className={className}>
      {column.heading ?? (column.hidden ? <span className="visually-hidden">{column.label}</span> : column.label)}
    </th>
  );
}

/**
 * Every list table of the console: scrolls sideways when it must, a hidden caption, one heading per
 * column (a button for a column it can be sorted by, with `aria-sort`). The scrolling box is a
 * named region that takes the focus, so a keyboard can scroll it too.
 */
export function DataTable({ caption, columns, className, dense, children }: DataTableProps) {
  const tableClass = ['data-table', dense && 'data-table--dense', className].filter(Boolean).join(' ');
  return (
    <div className={dense ? 'table-wrap table-wrap--sticky' : 'table-wrap'} role="region" aria-label={caption} tabIndex={0}>
      <table className={tableClass}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>{columns.map((column) => column && <ColumnHeading key={column.label} column={column} />)}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
