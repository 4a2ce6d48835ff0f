/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query FlaggedPurchases($first: Int!, $after: String) {\n  flaggedPurchases(first: $first, after: $after) {\n    ...PurchaseConnectionFields\n  }\n}\n\nquery UsersInDebt($first: Int!, $after: String) {\n  users(sort: CREDITS_ASC, first: $first, after: $after) {\n    ...UserConnectionFields\n  }\n}": typeof types.FlaggedPurchasesDocument,
    "query LedgerEntries($filter: AdminLedgerFilter, $first: Int!, $after: String) {\n  ledgerEntries(filter: $filter, first: $first, after: $after) {\n    ...LedgerConnectionFields\n  }\n}\n\nquery CreditStats($from: DateTime!, $to: DateTime!, $interval: StatsInterval) {\n  creditStats(from: $from, to: $to, interval: $interval) {\n    currency\n    currencies\n    interval\n    buckets {\n      start\n      creditsSold\n      creditsSpent\n      creditsClawedBack\n      creditsAdjusted\n      revenue {\n        currency\n        amountMinor\n      }\n    }\n  }\n}": typeof types.LedgerEntriesDocument,
    "fragment PurchaseConnectionFields on PurchaseConnection {\n  edges {\n    cursor\n    node {\n      ...PurchaseFields\n    }\n  }\n  pageInfo {\n    hasNextPage\n    endCursor\n  }\n}": typeof types.PurchaseConnectionFieldsFragmentDoc,
    "fragment PurchaseFields on Purchase {\n  sessionId\n  userId\n  status\n  credits\n  amountMinor\n  currency\n  presentmentAmountMinor\n  presentmentCurrency\n  creditsGranted\n  amountRefundedMinor\n  creditsClawedBack\n  refundableCredits\n  flagReason\n  createdAt\n  paidAt\n}": typeof types.PurchaseFieldsFragmentDoc,
    "query AdminUser($id: ID!) {\n  user(id: $id) {\n    ...UserFields\n  }\n}\n\nquery AdminUserPurchases($id: ID!, $first: Int!, $after: String) {\n  user(id: $id) {\n    id\n    purchases(first: $first, after: $after) {\n      ...PurchaseConnectionFields\n    }\n  }\n}\n\nquery AdminUserLedger($id: ID!, $first: Int!, $after: String) {\n  user(id: $id) {\n    id\n    ledger(first: $first, after: $after) {\n      ...LedgerConnectionFields\n    }\n  }\n}\n\nmutation AdjustCredits($input: AdjustCreditsInput!) {\n  adjustCredits(input: $input) {\n    ...LedgerEntryFields\n  }\n}\n\nmutation RefundTopUp($input: RefundTopUpInput!) {\n  refundTopUp(input: $input) {\n    refundId\n    amountMinor\n    currency\n    credits\n    purchase {\n      ...PurchaseFields\n    }\n  }\n}\n\nquery AdminUserLots($id: ID!) {\n  user(id: $id) {\n    id\n    credits\n    availableCredits\n    heldCredits\n    lots(includeSpent: true) {\n      ...CreditLotFields\n    }\n  }\n}\n\nquery AdminUserHolds($id: ID!) {\n  user(id: $id) {\n    id\n    holds {\n      ...CreditHoldFields\n    }\n  }\n}\n\nmutation GrantPromotionalCredits($input: GrantPromotionalCreditsInput!) {\n  grantPromotionalCredits(input: $input) {\n    ...LedgerEntryFields\n  }\n}": typeof types.AdminUserDocument,
    "query AdminUsers($search: String, $sort: UserSort, $first: Int!, $after: String) {\n  users(search: $search, sort: $sort, first: $first, after: $after) {\n    ...UserConnectionFields\n  }\n}": typeof types.AdminUsersDocument,
    "fragment UserFields on User {\n  id\n  email\n  credits\n  debt\n  lastCreditUpdate\n  createdAt\n}\n\nfragment UserConnectionFields on UserConnection {\n  edges {\n    cursor\n    node {\n      ...UserFields\n    }\n  }\n  pageInfo {\n    hasNextPage\n    endCursor\n  }\n}": typeof types.UserFieldsFragmentDoc,
    "query Viewer {\n  viewer {\n    id\n    role\n  }\n}\n\nquery Me {\n  me {\n    id\n    email\n    credits\n    debt\n    lastCreditUpdate\n  }\n}": typeof types.ViewerDocument,
    "query Pricing($currency: String) {\n  currencies\n  pricing(currency: $currency) {\n    currency\n    unitPrice\n    currencyExponent\n    packs {\n      credits\n      amountMinor\n    }\n    creditsMin\n    creditsMax\n    roundingRule\n  }\n}\n\nquery PriceQuote($credits: SafeInt!, $currency: String) {\n  priceQuote(credits: $credits, currency: $currency) {\n    credits\n    amountMinor\n    currency\n  }\n}\n\nmutation CreateCreditTopUpSession($input: CreateCreditTopUpSessionInput!) {\n  createCreditTopUpSession(input: $input) {\n    sessionId\n    url\n    credits\n    amountMinor\n    currency\n  }\n}": typeof types.PricingDocument,
    "query MyLots {\n  me {\n    id\n    credits\n    availableCredits\n    heldCredits\n    lots {\n      ...CreditLotFields\n    }\n  }\n}": typeof types.MyLotsDocument,
    "query MyLedger($first: Int!, $after: String, $filter: LedgerFilter) {\n  me {\n    id\n    ledger(first: $first, after: $after, filter: $filter) {\n      ...LedgerConnectionFields\n    }\n  }\n}": typeof types.MyLedgerDocument,
    "fragment LedgerConnectionFields on LedgerConnection {\n  edges {\n    cursor\n    node {\n      ...LedgerEntryFields\n    }\n  }\n  pageInfo {\n    hasNextPage\n    endCursor\n  }\n}": typeof types.LedgerConnectionFieldsFragmentDoc,
    "fragment LedgerEntryFields on LedgerEntry {\n  id\n  userId\n  delta\n  balanceAfter\n  kind\n  reason\n  actor\n  createdAt\n  purchase {\n    sessionId\n    currency\n    amountMinor\n    presentmentCurrency\n    presentmentAmountMinor\n  }\n  lotChanges {\n    lotId\n    lotKind\n    lotExpiresAt\n    credits\n  }\n}": typeof types.LedgerEntryFieldsFragmentDoc,
    "fragment CreditHoldFields on CreditHold {\n  id\n  userId\n  amount\n  status\n  reason\n  expiresAt\n  capturedCredits\n  createdAt\n}": typeof types.CreditHoldFieldsFragmentDoc,
    "fragment CreditLotFields on CreditLot {\n  id\n  kind\n  credits\n  remaining\n  expiresAt\n  createdAt\n  purchase {\n    sessionId\n  }\n}": typeof types.CreditLotFieldsFragmentDoc,
    "query TopUp($sessionId: ID!) {\n  topUp(sessionId: $sessionId) {\n    sessionId\n    status\n    credits\n    amountMinor\n    currency\n    creditsGranted\n    balance\n  }\n}": typeof types.TopUpDocument,
};
const documents: Documents = {
    "query FlaggedPurchases($first: Int!, $after: String) {\n  flaggedPurchases(first: $first, after: $after) {\n    ...PurchaseConnectionFields\n  }\n}\n\nquery UsersInDebt($first: Int!, $after: String) {\n  users(sort: CREDITS_ASC, first: $first, after: $after) {\n    ...UserConnectionFields\n  }\n}": types.FlaggedPurchasesDocument,
    "query LedgerEntries($filter: AdminLedgerFilter, $first: Int!, $after: String) {\n  ledgerEntries(filter: $filter, first: $first, after: $after) {\n    ...LedgerConnectionFields\n  }\n}\n\nquery CreditStats($from: DateTime!, $to: DateTime!, $interval: StatsInterval) {\n  creditStats(from: $from, to: $to, interval: $interval) {\n    currency\n    currencies\n    interval\n    buckets {\n      start\n      creditsSold\n      creditsSpent\n      creditsClawedBack\n      creditsAdjusted\n      revenue {\n        currency\n        amountMinor\n      }\n    }\n  }\n}": types.LedgerEntriesDocument,
    "fragment PurchaseConnectionFields on PurchaseConnection {\n  edges {\n    cursor\n    node {\n      ...PurchaseFields\n    }\n  }\n  pageInfo {\n    hasNextPage\n    endCursor\n  }\n}": types.PurchaseConnectionFieldsFragmentDoc,
    "fragment PurchaseFields on Purchase {\n  sessionId\n  userId\n  status\n  credits\n  amountMinor\n  currency\n  presentmentAmountMinor\n  presentmentCurrency\n  creditsGranted\n  amountRefundedMinor\n  creditsClawedBack\n  refundableCredits\n  flagReason\n  createdAt\n  paidAt\n}": types.PurchaseFieldsFragmentDoc,
    "query AdminUser($id: ID!) {\n  user(id: $id) {\n    ...UserFields\n  }\n}\n\nquery AdminUserPurchases($id: ID!, $first: Int!, $after: String) {\n  user(id: $id) {\n    id\n    purchases(first: $first, after: $after) {\n      ...PurchaseConnectionFields\n    }\n  }\n}\n\nquery AdminUserLedger($id: ID!, $first: Int!, $after: String) {\n  user(id: $id) {\n    id\n    ledger(first: $first, after: $after) {\n      ...LedgerConnectionFields\n    }\n  }\n}\n\nmutation AdjustCredits($input: AdjustCreditsInput!) {\n  adjustCredits(input: $input) {\n    ...LedgerEntryFields\n  }\n}\n\nmutation RefundTopUp($input: RefundTopUpInput!) {\n  refundTopUp(input: $input) {\n    refundId\n    amountMinor\n    currency\n    credits\n    purchase {\n      ...PurchaseFields\n    }\n  }\n}\n\nquery AdminUserLots($id: ID!) {\n  user(id: $id) {\n    id\n    credits\n    availableCredits\n    heldCredits\n    lots(includeSpent: true) {\n      ...CreditLotFields\n    }\n  }\n}\n\nquery AdminUserHolds($id: ID!) {\n  user(id: $id) {\n    id\n    holds {\n      ...CreditHoldFields\n    }\n  }\n}\n\nmutation GrantPromotionalCredits($input: GrantPromotionalCreditsInput!) {\n  grantPromotionalCredits(input: $input) {\n    ...LedgerEntryFields\n  }\n}": types.AdminUserDocument,
    "query AdminUsers($search: String, $sort: UserSort, $first: Int!, $after: String) {\n  users(search: $search, sort: $sort, first: $first, after: $after) {\n    ...UserConnectionFields\n  }\n}": types.AdminUsersDocument,
    "fragment UserFields on User {\n  id\n  email\n  credits\n  debt\n  lastCreditUpdate\n  createdAt\n}\n\nfragment UserConnectionFields on UserConnection {\n  edges {\n    cursor\n    node {\n      ...UserFields\n    }\n  }\n  pageInfo {\n    hasNextPage\n    endCursor\n  }\n}": types.UserFieldsFragmentDoc,
    "query Viewer {\n  viewer {\n    id\n    role\n  }\n}\n\nquery Me {\n  me {\n    id\n    email\n    credits\n    debt\n    lastCreditUpdate\n  }\n}": types.ViewerDocument,
    "query Pricing($currency: String) {\n  currencies\n  pricing(currency: $currency) {\n    currency\n    unitPrice\n    currencyExponent\n    packs {\n      credits\n      amountMinor\n    }\n    creditsMin\n    creditsMax\n    roundingRule\n  }\n}\n\nquery PriceQuote($credits: SafeInt!, $currency: String) {\n  priceQuote(credits: $credits, currency: $currency) {\n    credits\n    amountMinor\n    currency\n  }\n}\n\nmutation CreateCreditTopUpSession($input: CreateCreditTopUpSessionInput!) {\n  createCreditTopUpSession(input: $input) {\n    sessionId\n    url\n    credits\n    amountMinor\n    currency\n  }\n}": types.PricingDocument,
    "query MyLots {\n  me {\n    id\n    credits\n    availableCredits\n    heldCredits\n    lots {\n      ...CreditLotFields\n    }\n  }\n}": types.MyLotsDocument,
    "query MyLedger($first: Int!, $after: String, $filter: LedgerFilter) {\n  me {\n    id\n    ledger(first: $first, after: $after, filter: $filter) {\n      ...LedgerConnectionFields\n    }\n  }\n}": types.MyLedgerDocument,
    "fragment LedgerConnectionFields on LedgerConnection {\n  edges {\n    cursor\n    node {\n      ...LedgerEntryFields\n    }\n  }\n  pageInfo {\n    hasNextPage\n    endCursor\n  }\n}": types.LedgerConnectionFieldsFragmentDoc,
    "fragment LedgerEntryFields on LedgerEntry {\n  id\n  userId\n  delta\n  balanceAfter\n  kind\n  reason\n  actor\n  createdAt\n  purchase {\n    sessionId\n    currency\n    amountMinor\n    presentmentCurrency\n    presentmentAmountMinor\n  }\n  lotChanges {\n    lotId\n    lotKind\n    lotExpiresAt\n    credits\n  }\n}": types.LedgerEntryFieldsFragmentDoc,
    "fragment CreditHoldFields on CreditHold {\n  id\n  userId\n  amount\n  status\n  reason\n  expiresAt\n  capturedCredits\n  createdAt\n}": types.CreditHoldFieldsFragmentDoc,
    "fragment CreditLotFields on CreditLot {\n  id\n  kind\n  credits\n  remaining\n  expiresAt\n  createdAt\n  purchase {\n    sessionId\n  }\n}": types.CreditLotFieldsFragmentDoc,
    "query TopUp($sessionId: ID!) {\n  topUp(sessionId: $sessionId) {\n    sessionId\n    status\n    credits\n    amountMinor\n    currency\n    creditsGranted\n    balance\n  }\n}": types.TopUpDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query FlaggedPurchases($first: Int!, $after: String) {\n  flaggedPurchases(first: $first, after: $after) {\n    ...PurchaseConnectionFields\n  }\n}\n\nquery UsersInDebt($first: Int!, $after: String) {\n  users(sort: CREDITS_ASC, first: $first, after: $after) {\n    ...UserConnectionFields\n  }\n}"): (typeof documents)["query FlaggedPurchases($first: Int!, $after: String) {\n  flaggedPurchases(first: $first, after: $after) {\n    ...PurchaseConnectionFields\n  }\n}\n\nquery UsersInDebt($first: Int!, $after: String) {\n  users(sort: CREDITS_ASC, first: $first, after: $after) {\n    ...UserConnectionFields\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LedgerEntries($filter: AdminLedgerFilter, $first: Int!, $after: String) {\n  ledgerEntries(filter: $filter, first: $first, after: $after) {\n    ...LedgerConnectionFields\n  }\n}\n\nquery CreditStats($from: DateTime!, $to: DateTime!, $interval: StatsInterval) {\n  creditStats(from: $from, to: $to, interval: $interval) {\n    currency\n    currencies\n    interval\n    buckets {\n      start\n      creditsSold\n      creditsSpent\n      creditsClawedBack\n      creditsAdjusted\n      revenue {\n        currency\n        amountMinor\n      }\n    }\n  }\n}"): (typeof documents)["query LedgerEntries($filter: AdminLedgerFilter, $first: Int!, $after: String) {\n  ledgerEntries(filter: $filter, first: $first, after: $after) {\n    ...LedgerConnectionFields\n  }\n}\n\nquery CreditStats($from: DateTime!, $to: DateTime!, $interval: StatsInterval) {\n  creditStats(from: $from, to: $to, interval: $interval) {\n    currency\n    currencies\n    interval\n    buckets {\n      start\n      creditsSold\n      creditsSpent\n      creditsClawedBack\n      creditsAdjusted\n      revenue {\n        currency\n        amountMinor\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment PurchaseConnectionFields on PurchaseConnection {\n  edges {\n    cursor\n    node {\n      ...PurchaseFields\n    }\n  }\n  pageInfo {\n    hasNextPage\n    endCursor\n  }\n}"): (typeof documents)["fragment PurchaseConnectionFields on PurchaseConnection {\n  edges {\n    cursor\n    node {\n      ...PurchaseFields\n    }\n  }\n  pageInfo {\n    hasNextPage\n    endCursor\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment PurchaseFields on Purchase {\n  sessionId\n  userId\n  status\n  credits\n  amountMinor\n  currency\n  presentmentAmountMinor\n  presentmentCurrency\n  creditsGranted\n  amountRefundedMinor\n  creditsClawedBack\n  refundableCredits\n  flagReason\n  createdAt\n  paidAt\n}"): (typeof documents)["fragment PurchaseFields on Purchase {\n  sessionId\n  userId\n  status\n  credits\n  amountMinor\n  currency\n  presentmentAmountMinor\n  presentmentCurrency\n  creditsGranted\n  amountRefundedMinor\n  creditsClawedBack\n  refundableCredits\n  flagReason\n  createdAt\n  paidAt\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AdminUser($id: ID!) {\n  user(id: $id) {\n    ...UserFields\n  }\n}\n\nquery AdminUserPurchases($id: ID!, $first: Int!, $after: String) {\n  user(id: $id) {\n    id\n    purchases(first: $first, after: $after) {\n      ...PurchaseConnectionFields\n    }\n  }\n}\n\nquery AdminUserLedger($id: ID!, $first: Int!, $after: String) {\n  user(id: $id) {\n    id\n    ledger(first: $first, after: $after) {\n      ...LedgerConnectionFields\n    }\n  }\n}\n\nmutation AdjustCredits($input: AdjustCreditsInput!) {\n  adjustCredits(input: $input) {\n    ...LedgerEntryFields\n  }\n}\n\nmutation RefundTopUp($input: RefundTopUpInput!) {\n  refundTopUp(input: $input) {\n    refundId\n    amountMinor\n    currency\n    credits\n    purchase {\n      ...PurchaseFields\n    }\n  }\n}\n\nquery AdminUserLots($id: ID!) {\n  user(id: $id) {\n    id\n    credits\n    availableCredits\n    heldCredits\n    lots(includeSpent: true) {\n      ...CreditLotFields\n    }\n  }\n}\n\nquery AdminUserHolds($id: ID!) {\n  user(id: $id) {\n    id\n    holds {\n      ...CreditHoldFields\n    }\n  }\n}\n\nmutation GrantPromotionalCredits($input: GrantPromotionalCreditsInput!) {\n  grantPromotionalCredits(input: $input) {\n    ...LedgerEntryFields\n  }\n}"): (typeof documents)["query AdminUser($id: ID!) {\n  user(id: $id) {\n    ...UserFields\n  }\n}\n\nquery AdminUserPurchases($id: ID!, $first: Int!, $after: String) {\n  user(id: $id) {\n    id\n    purchases(first: $first, after: $after) {\n      ...PurchaseConnectionFields\n    }\n  }\n}\n\nquery AdminUserLedger($id: ID!, $first: Int!, $after: String) {\n  user(id: $id) {\n    id\n    ledger(first: $first, after: $after) {\n      ...LedgerConnectionFields\n    }\n  }\n}\n\nmutation AdjustCredits($input: AdjustCreditsInput!) {\n  adjustCredits(input: $input) {\n    ...LedgerEntryFields\n  }\n}\n\nmutation RefundTopUp($input: RefundTopUpInput!) {\n  refundTopUp(input: $input) {\n    refundId\n    amountMinor\n    currency\n    credits\n    purchase {\n      ...PurchaseFields\n    }\n  }\n}\n\nquery AdminUserLots($id: ID!) {\n  user(id: $id) {\n    id\n    credits\n    availableCredits\n    heldCredits\n    lots(includeSpent: true) {\n      ...CreditLotFields\n    }\n  }\n}\n\nquery AdminUserHolds($id: ID!) {\n  user(id: $id) {\n    id\n    holds {\n      ...CreditHoldFields\n    }\n  }\n}\n\nmutation GrantPromotionalCredits($input: GrantPromotionalCreditsInput!) {\n  grantPromotionalCredits(input: $input) {\n    ...LedgerEntryFields\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AdminUsers($search: String, $sort: UserSort, $first: Int!, $after: String) {\n  users(search: $search, sort: $sort, first: $first, after: $after) {\n    ...UserConnectionFields\n  }\n}"): (typeof documents)["query AdminUsers($search: String, $sort: UserSort, $first: Int!, $after: String) {\n  users(search: $search, sort: $sort, first: $first, after: $after) {\n    ...UserConnectionFields\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment UserFields on User {\n  id\n  email\n  credits\n  debt\n  lastCreditUpdate\n  createdAt\n}\n\nfragment UserConnectionFields on UserConnection {\n  edges {\n    cursor\n    node {\n      ...UserFields\n    }\n  }\n  pageInfo {\n    hasNextPage\n    endCursor\n  }\n}"): (typeof documents)["fragment UserFields on User {\n  id\n  email\n  credits\n  debt\n  lastCreditUpdate\n  createdAt\n}\n\nfragment UserConnectionFields on UserConnection {\n  edges {\n    cursor\n    node {\n      ...UserFields\n    }\n  }\n  pageInfo {\n    hasNextPage\n    endCursor\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Viewer {\n  viewer {\n    id\n    role\n  }\n}\n\nquery Me {\n  me {\n    id\n    email\n    credits\n    debt\n    lastCreditUpdate\n  }\n}"): (typeof documents)["query Viewer {\n  viewer {\n    id\n    role\n  }\n}\n\nquery Me {\n  me {\n    id\n    email\n    credits\n    debt\n    lastCreditUpdate\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Pricing($currency: String) {\n  currencies\n  pricing(currency: $currency) {\n    currency\n    unitPrice\n    currencyExponent\n    packs {\n      credits\n      amountMinor\n    }\n    creditsMin\n    creditsMax\n    roundingRule\n  }\n}\n\nquery PriceQuote($credits: SafeInt!, $currency: String) {\n  priceQuote(credits: $credits, currency: $currency) {\n    credits\n    amountMinor\n    currency\n  }\n}\n\nmutation CreateCreditTopUpSession($input: CreateCreditTopUpSessionInput!) {\n  createCreditTopUpSession(input: $input) {\n    sessionId\n    url\n    credits\n    amountMinor\n    currency\n  }\n}"): (typeof documents)["query Pricing($currency: String) {\n  currencies\n  pricing(currency: $currency) {\n    currency\n    unitPrice\n    currencyExponent\n    packs {\n      credits\n      amountMinor\n    }\n    creditsMin\n    creditsMax\n    roundingRule\n  }\n}\n\nquery PriceQuote($credits: SafeInt!, $currency: String) {\n  priceQuote(credits: $credits, currency: $currency) {\n    credits\n    amountMinor\n    currency\n  }\n}\n\nmutation CreateCreditTopUpSession($input: CreateCreditTopUpSessionInput!) {\n  createCreditTopUpSession(input: $input) {\n    sessionId\n    url\n    credits\n    amountMinor\n    currency\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MyLots {\n  me {\n    id\n    credits\n    availableCredits\n    heldCredits\n    lots {\n      ...CreditLotFields\n    }\n  }\n}"): (typeof documents)["query MyLots {\n  me {\n    id\n    credits\n    availableCredits\n    heldCredits\n    lots {\n      ...CreditLotFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MyLedger($first: Int!, $after: String, $filter: LedgerFilter) {\n  me {\n    id\n    ledger(first: $first, after: $after, filter: $filter) {\n      ...LedgerConnectionFields\n    }\n  }\n}"): (typeof documents)["query MyLedger($first: Int!, $after: String, $filter: LedgerFilter) {\n  me {\n    id\n    ledger(first: $first, after: $after, filter: $filter) {\n      ...LedgerConnectionFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment LedgerConnectionFields on LedgerConnection {\n  edges {\n    cursor\n    node {\n      ...LedgerEntryFields\n    }\n  }\n  pageInfo {\n    hasNextPage\n    endCursor\n  }\n}"): (typeof documents)["fragment LedgerConnectionFields on LedgerConnection {\n  edges {\n    cursor\n    node {\n      ...LedgerEntryFields\n    }\n  }\n  pageInfo {\n    hasNextPage\n    endCursor\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment LedgerEntryFields on LedgerEntry {\n  id\n  userId\n  delta\n  balanceAfter\n  kind\n  reason\n  actor\n  createdAt\n  purchase {\n    sessionId\n    currency\n    amountMinor\n    presentmentCurrency\n    presentmentAmountMinor\n  }\n  lotChanges {\n    lotId\n    lotKind\n    lotExpiresAt\n    credits\n  }\n}"): (typeof documents)["fragment LedgerEntryFields on LedgerEntry {\n  id\n  userId\n  delta\n  balanceAfter\n  kind\n  reason\n  actor\n  createdAt\n  purchase {\n    sessionId\n    currency\n    amountMinor\n    presentmentCurrency\n    presentmentAmountMinor\n  }\n  lotChanges {\n    lotId\n    lotKind\n    lotExpiresAt\n    credits\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment CreditHoldFields on CreditHold {\n  id\n  userId\n  amount\n  status\n  reason\n  expiresAt\n  capturedCredits\n  createdAt\n}"): (typeof documents)["fragment CreditHoldFields on CreditHold {\n  id\n  userId\n  amount\n  status\n  reason\n  expiresAt\n  capturedCredits\n  createdAt\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment CreditLotFields on CreditLot {\n  id\n  kind\n  credits\n  remaining\n  expiresAt\n  createdAt\n  purchase {\n    sessionId\n  }\n}"): (typeof documents)["fragment CreditLotFields on CreditLot {\n  id\n  kind\n  credits\n  remaining\n  expiresAt\n  createdAt\n  purchase {\n    sessionId\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query TopUp($sessionId: ID!) {\n  topUp(sessionId: $sessionId) {\n    sessionId\n    status\n    credits\n    amountMinor\n    currency\n    creditsGranted\n    balance\n  }\n}"): (typeof documents)["query TopUp($sessionId: ID!) {\n  topUp(sessionId: $sessionId) {\n    sessionId\n    status\n    credits\n    amountMinor\n    currency\n    creditsGranted\n    balance\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;