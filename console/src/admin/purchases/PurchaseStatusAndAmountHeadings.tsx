/** The column headings over `PurchaseStatusAndAmountCells`: "Status", "Credits" and "Amount". */
export function PurchaseStatusAndAmountHeadings() {
  return (
    <>
      <th scope="col">Status</th>
      <th scope="col" className="numeric">
        Credits
      </th>
      <th scope="col" className="numeric">
        Amount
      </th>
    </>
  );
}
