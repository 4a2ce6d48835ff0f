/**
 * The metadata every top-up carries, on the session and on its payment intent, compatible with the
 * app this replaces (docs/reference/stripe.md, "Metadata").
 */
export function topUpMetadata(options: { userId: string; credits: number }): Record<string, string> {
  return { type: 'credit_topup', clerk_user_id: options.userId, credits_amount: String(options.credits) };
}

export const topUpMetadataType = 'credit_topup';
