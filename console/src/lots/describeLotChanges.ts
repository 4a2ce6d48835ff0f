import { formatCredits } from '../format/formatCredits.ts';
import { formatExpiryDay } from '../format/formatDate.ts';
import type { LedgerEntryFieldsFragment } from '../generated/graphql.ts';
import { lotCreditsNoun } from './lotLabels.ts';

type LotChange = LedgerEntryFieldsFragment['lotChanges'][number];

/**
 * What a ledger entry did to the user's lots, in a user's words, or null when there is nothing to
 * add: an expiry says what expired ("30 promotional credits expired on 5 Jan"), a use or a clawback
 * where it came from ("From 20 promotional credits expiring 5 Jan and 10 purchased credits"), a
 * grant that expires when it does ("Expire on 5 Jan"). The server's reason of an expiry names lot
 * ids and instants; this sentence replaces it in the history.
 */
export function describeLotChanges(entry: Pick<LedgerEntryFieldsFragment, 'kind' | 'lotChanges'>, now: Date = new Date()): string | null {
  const changes = entry.lotChanges;
  if (changes.length === 0) return null;
  if (entry.kind === 'EXPIRY') {
    return changes
      .map((change) => `${creditsOf(change)}${change.lotExpiresAt ? ` expired on ${formatExpiryDay(change.lotExpiresAt, now)}` : ' expired'}`)
      .join('; ');
  }
  const grant = changes.find((change) => change.credits > 0);
  if (grant) {
    if (!grant.lotExpiresAt) return null;
    const past = new Date(grant.lotExpiresAt).getTime() <= now.getTime();
    return `${past ? 'Expired on' : 'Expire on'} ${formatExpiryDay(grant.lotExpiresAt, now)}`;
  }
  const parts = changes.map((change) => `${creditsOf(change)}${change.lotExpiresAt ? ` expiring ${formatExpiryDay(change.lotExpiresAt, now)}` : ''}`);
  return `From ${joinInWords(parts)}`;
}

function creditsOf(change: LotChange): string {
  return `${formatCredits(Math.abs(change.credits))} ${lotCreditsNoun(change.lotKind)}`;
}

function joinInWords(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
