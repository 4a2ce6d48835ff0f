import { formatCredits } from '../format/formatCredits.ts';

interface DebtSplitProps {
  credits: number;
  /** The server's split for the signed-in user (`debtRepaid`, `creditsAdded` of a pack or a quote). */
  debtRepaid: number;
  creditsAdded: number;
}

/**
 * Before checkout, for a user in debt: how much of a purchase repays the debt and what is added
 * ("2,500 credits: 300 pay your debt, 2,200 are added"). The numbers are the server's; the console
 * only words them. Nothing is shown without debt.
 */
export function DebtSplit({ credits, debtRepaid, creditsAdded }: DebtSplitProps) {
  if (debtRepaid <= 0) return null;
  const added = creditsAdded > 0 ? `${formatCredits(creditsAdded)} are added` : 'none are added';
  return (
    <p className="debt-split" data-testid="debt-split">
      {`${formatCredits(credits)} credits: ${formatCredits(debtRepaid)} pay your debt, ${added}`}
    </p>
  );
}
