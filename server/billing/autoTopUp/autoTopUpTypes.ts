import type { AutoTopUpStatus } from '../../vocabulary.ts';

/** `auto_top_up_json`: a user's auto top-up as GraphQL's `AutoTopUp` shows it. */
export interface AutoTopUpRow {
  userId: string;
  enabled: boolean;
  status: AutoTopUpStatus;
  /** Null until the user saved settings once. */
  thresholdCredits: number | null;
  credits: number | null;
  /** The server's price of `credits` in `currency`, computed when the settings were saved. */
  amountMinor: number | null;
  monthlyLimitMinor: number | null;
  currency: string | null;
  spentThisMonthMinor: number;
  lastError: string | null;
  paymentMethod: { brand: string; last4: string } | null;
  /** The attempt in flight (pending, processing or waiting for the user's action), if any. */
  pendingAttempt: {
    id: string;
    status: 'pending' | 'processing' | 'requires_action';
    credits: number;
    amountMinor: number;
    currency: string;
    lastError: string | null;
    createdAt: string;
  } | null;
}

/** An attempt a worker claimed (`claim_auto_top_up_attempts`): what one off-session payment needs. */
export interface ClaimedAttempt {
  id: string;
  userId: string;
  credits: number;
  amountMinor: number;
  currency: string;
  customerId: string;
  paymentMethodId: string;
  /** Failed payments of this attempt so far. */
  tries: number;
  /** Derived from the attempt and its try in SQL: the same on a retry after a crash. */
  idempotencyKey: string;
}

/** The metadata of an auto top-up's payment intent (docs/reference/stripe.md, "Metadata"). */
export const autoTopUpMetadataType = 'auto_top_up';

export function autoTopUpMetadata(attempt: Pick<ClaimedAttempt, 'id' | 'userId' | 'credits'>): Record<string, string> {
  return { type: autoTopUpMetadataType, clerk_user_id: attempt.userId, credits_amount: String(attempt.credits), auto_top_up_attempt_id: attempt.id };
}
