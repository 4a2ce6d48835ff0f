import type {
  CreditHoldFieldsFragment,
  CreditLotFieldsFragment,
  LedgerEntryFieldsFragment,
  MyLotsQuery,
  MeQuery,
  PricingQuery,
  PurchaseFieldsFragment,
  TopUpQuery,
} from '../../../console/src/generated/graphql.ts';

/** The reference user of the contract's scenario: 28 credits on a fresh database. */
export const referenceUserId = 'user_32mSltWx9KkUkJe3sN2Bkym2w45';

export function me(overrides: Partial<MeQuery['me']> = {}): MeQuery {
  return {
    me: {
      __typename: 'User',
      id: referenceUserId,
      email: 'reference@example.com',
      credits: 28,
      debt: 0,
      lastCreditUpdate: '2026-11-24T01:22:07.123Z',
      ...overrides,
    },
  };
}

/** The default configuration: $0.01 a credit, packs of 500, 1000 and 2500, 50 to 1,000,000 credits. */
export function pricing(overrides: Partial<PricingQuery['pricing']> = {}): PricingQuery {
  return {
    currencies: ['usd'],
    pricing: {
      __typename: 'Pricing',
      currency: 'usd',
      unitPrice: '0.01',
      currencyExponent: 2,
      packs: [
        { __typename: 'CreditPack', credits: 500, amountMinor: 500, debtRepaid: 0, creditsAdded: 500 },
        { __typename: 'CreditPack', credits: 1000, amountMinor: 1000, debtRepaid: 0, creditsAdded: 1000 },
        { __typename: 'CreditPack', credits: 2500, amountMinor: 2500, debtRepaid: 0, creditsAdded: 2500 },
      ],
      creditsMin: 50,
      creditsMax: 1_000_000,
      roundingRule: 'Totals are rounded up to the next cent.',
      ...overrides,
    },
  };
}

export function topUp(overrides: Partial<TopUpQuery['topUp']> = {}): TopUpQuery {
  return {
    topUp: {
      __typename: 'TopUp',
      sessionId: 'cs_test_71',
      status: 'PAID',
      credits: 71,
      amountMinor: 71,
      currency: 'usd',
      creditsGranted: 71,
      balance: 99,
      ...overrides,
    },
  };
}

export function ledgerEntry(overrides: Partial<LedgerEntryFieldsFragment> = {}): LedgerEntryFieldsFragment {
  return {
    __typename: 'LedgerEntry',
    id: 'entry_1',
    userId: referenceUserId,
    delta: 71,
    balanceAfter: 99,
    kind: 'PURCHASE',
    reason: 'Bought 71 credits',
    actor: 'stripe',
    createdAt: '2026-11-24T01:22:07.123Z',
    purchase: { __typename: 'Purchase', sessionId: 'cs_test_71', currency: 'usd', amountMinor: 71, presentmentCurrency: null, presentmentAmountMinor: null },
    lotChanges: [],
    ...overrides,
  };
}

export function purchase(overrides: Partial<PurchaseFieldsFragment> = {}): PurchaseFieldsFragment {
  return {
    __typename: 'Purchase',
    sessionId: 'cs_test_71',
    userId: referenceUserId,
    status: 'PAID',
    credits: 71,
    amountMinor: 71,
    currency: 'usd',
    presentmentAmountMinor: null,
    presentmentCurrency: null,
    creditsGranted: 71,
    amountRefundedMinor: 0,
    creditsClawedBack: 0,
    refundableCredits: 71,
    flagReason: null,
    createdAt: '2026-11-24T01:22:07.123Z',
    paidAt: '2026-11-24T01:22:09.000Z',
    ...overrides,
  };
}

/** A page of a connection, as the API returns it. */
export function connection<TNode>(nodes: TNode[], pageInfo: { hasNextPage: boolean; endCursor: string | null }, typename: string) {
  return {
    __typename: typename as never,
    edges: nodes.map((node, index) => ({ __typename: `${typename.replace(/Connection$/, '')}Edge` as never, cursor: `cursor_${index}`, node })),
    pageInfo: { __typename: 'PageInfo' as const, ...pageInfo },
  };
}

export function creditLot(overrides: Partial<CreditLotFieldsFragment> = {}): CreditLotFieldsFragment {
  return {
    __typename: 'CreditLot',
    id: 'lot_1',
    kind: 'PURCHASE',
    credits: 71,
    remaining: 71,
    expiresAt: null,
    createdAt: '2026-11-24T01:22:07.123Z',
    purchase: { __typename: 'Purchase', sessionId: 'cs_test_71' },
    ...overrides,
  };
}

export function creditHold(overrides: Partial<CreditHoldFieldsFragment> = {}): CreditHoldFieldsFragment {
  return {
    __typename: 'CreditHold',
    id: 'hold_1',
    userId: referenceUserId,
    amount: 10,
    status: 'ACTIVE',
    reason: 'Render job 7',
    expiresAt: '2026-11-24T02:22:07.123Z',
    capturedCredits: null,
    createdAt: '2026-11-24T01:22:07.123Z',
    ...overrides,
  };
}

/** The billing page's lots query: by default the reference user's 28 credits in one never-expiring lot, nothing held. */
export function myLots(overrides: Partial<MyLotsQuery['me']> = {}): MyLotsQuery {
  return {
    me: {
      __typename: 'User',
      id: referenceUserId,
      credits: 28,
      availableCredits: 28,
      heldCredits: 0,
      lots: [creditLot({ id: 'lot_opening', credits: 28, remaining: 28, purchase: null })],
      ...overrides,
    },
  };
}
