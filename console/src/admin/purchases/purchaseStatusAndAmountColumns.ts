import type { DataTableColumn } from '../../components/DataTable.tsx';

/** The column headings over `PurchaseStatusAndAmountCells`: "Status", "Credits" and "Amount". */
export const purchaseStatusAndAmountColumns: readonly DataTableColumn[] = [
  { label: 'Status' },
  { label: 'Credits', numeric: true },
  { label: 'Amount', numeric: true },
];
