/** What every money object the sandbox builds (payment intent, charge, refund, dispute) starts from. */
export interface MoneyObjectFields {
  id: string;
  /** Unix seconds. */
  created: number;
  amountMinor: number;
  currency: string;
}

/** A payment intent's or a charge's: whose payment it is, what it says, and its metadata. */
export interface PaymentFields extends MoneyObjectFields {
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
}

/** A refund's or a dispute's: the charge it takes money back from, and that charge's payment intent. */
export interface ChargeReversalFields extends MoneyObjectFields {
  charge: string;
  paymentIntent: string | null;
}
