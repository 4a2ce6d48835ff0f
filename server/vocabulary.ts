/**
 * The words of every enum Topup has, once: the lower-case words the database's CHECK constraints,
 * the domain and the GraphQL enums' internal values use. Everything else is derived from here: the
 * domain's types (`LedgerKind`, `PurchaseStatus`, ...), `server/graphql/resolvers/enumResolvers.ts`,
 * the `enumValues` of `codegen.ts`, and the console's labels. `test/vocabulary.test.ts` compares
 * each list with the SQL CHECK constraint of its column and with the GraphQL schema.
 *
 * This file imports nothing, on purpose: the console bundles it, and it must not pull server code in.
 */

/** `credit_ledger.kind`: what moved the credits. */
export const ledgerKinds = ['purchase', 'refund', 'dispute', 'dispute_won', 'adjustment', 'spend', 'promotion', 'expiry'] as const;
export type LedgerKind = (typeof ledgerKinds)[number];

/** `credit_lots.kind`: what a lot was granted as (positive adjustments make `promotion` lots that never expire). */
export const lotKinds = ['purchase', 'promotion'] as const;
export type LotKind = (typeof lotKinds)[number];

/** `credit_holds.status`: the lifecycle of one reservation of credits. */
export const holdStatuses = ['active', 'captured', 'released', 'expired'] as const;
export type HoldStatus = (typeof holdStatuses)[number];

/** `credit_purchases.status`: the lifecycle of one checkout session for credits. */
export const purchaseStatuses = ['open', 'paid', 'pending', 'failed', 'expired', 'refunded', 'partially_refunded', 'disputed'] as const;
export type PurchaseStatus = (typeof purchaseStatuses)[number];

/** `mail_outbox.template`: which mail an event owes the user (docs/mail.md). */
export const mailTemplates = ['purchase_receipt', 'purchase_failed', 'balance_low', 'auto_top_up_failed', 'auto_top_up_requires_action'] as const;
export type MailTemplate = (typeof mailTemplates)[number];

/** `mail_outbox.status`: to send, sent (or kept in DATA_DIR), failed after the retries, skipped for want of an address. */
export const mailStatuses = ['pending', 'sent', 'failed', 'skipped'] as const;
export type MailStatus = (typeof mailStatuses)[number];
/**
 * `stripe_events.outcome_kind`: how processing a Stripe event ended. `processed` changed or confirmed
 * a purchase or payment; `ignored` had nothing to do; `refused` was a verified event whose content
 * Topup refuses (acknowledged, not retried); `flagged` was paid but not granted (an admin looks);
 * `failed` rolled back and waits for Stripe's retry. A redelivery of a processed event (a duplicate)
 * is counted in the event's deliveries, not a word of its own.
 */
export const stripeEventOutcomes = ['processed', 'ignored', 'refused', 'flagged', 'failed'] as const;
export type StripeEventOutcome = (typeof stripeEventOutcomes)[number];

/** `auto_top_up_settings.status`: off, on, waiting for the user to authenticate a payment, or switched off after three failures. */
export const autoTopUpStatuses = ['off', 'active', 'requires_action', 'disabled'] as const;
export type AutoTopUpStatus = (typeof autoTopUpStatuses)[number];

/** `auto_top_up_attempts.status`: the lifecycle of one automatic top-up. */
export const autoTopUpAttemptStatuses = ['pending', 'processing', 'requires_action', 'succeeded', 'failed', 'canceled'] as const;
export type AutoTopUpAttemptStatus = (typeof autoTopUpAttemptStatuses)[number];

/** How a list of users is ordered (`list_users(p_sort)`). */
export const userSorts = ['last_credit_update_desc', 'credits_desc', 'credits_asc', 'created_at_desc'] as const;
export type UserSort = (typeof userSorts)[number];

/** The width of one bucket of the credit statistics. */
export const statsIntervals = ['day', 'week'] as const;
export type StatsInterval = (typeof statsIntervals)[number];

/** Who is calling: a user, an admin, or another service with a service key. */
export const roles = ['user', 'admin', 'service'] as const;
export type Role = (typeof roles)[number];

/**
 * Every enum of the GraphQL schema, by its GraphQL name, with its words. The GraphQL purchase
 * status is called `TopUpStatus` (the success page's `TopUp` shares it).
 */
export const graphQLEnumWords = {
  LedgerKind: ledgerKinds,
  LotKind: lotKinds,
  HoldStatus: holdStatuses,
  TopUpStatus: purchaseStatuses,
  StripeEventOutcome: stripeEventOutcomes,
  UserSort: userSorts,
  StatsInterval: statsIntervals,
  Role: roles,
  AutoTopUpStatus: autoTopUpStatuses,
  AutoTopUpAttemptStatus: autoTopUpAttemptStatuses,
} as const;

/** The GraphQL name of a word: `dispute_won` is `DISPUTE_WON`. */
export type GraphQLEnumName<Word extends string> = Uppercase<Word>;

export function graphQLEnumName<Word extends string>(word: Word): GraphQLEnumName<Word> {
  return word.toUpperCase() as GraphQLEnumName<Word>;
}

/** `{ DISPUTE_WON: 'dispute_won', ... }`: a GraphQL enum's names mapped to the domain's words. */
export type GraphQLEnumValues<Word extends string> = { [Name in Word as GraphQLEnumName<Name>]: Name };

export function graphQLEnumValues<Word extends string>(words: readonly Word[]): GraphQLEnumValues<Word> {
  return Object.fromEntries(words.map((word) => [graphQLEnumName(word), word])) as GraphQLEnumValues<Word>;
}

/** The internal values of every GraphQL enum, as graphql-js resolvers and codegen's `enumValues` take them. */
export function allGraphQLEnumValues(): { [Enum in keyof typeof graphQLEnumWords]: GraphQLEnumValues<(typeof graphQLEnumWords)[Enum][number]> } {
  return {
    LedgerKind: graphQLEnumValues(ledgerKinds),
    LotKind: graphQLEnumValues(lotKinds),
    HoldStatus: graphQLEnumValues(holdStatuses),
    TopUpStatus: graphQLEnumValues(purchaseStatuses),
    StripeEventOutcome: graphQLEnumValues(stripeEventOutcomes),
    UserSort: graphQLEnumValues(userSorts),
    StatsInterval: graphQLEnumValues(statsIntervals),
    Role: graphQLEnumValues(roles),
    AutoTopUpStatus: graphQLEnumValues(autoTopUpStatuses),
    AutoTopUpAttemptStatus: graphQLEnumValues(autoTopUpAttemptStatuses),
  };
}
