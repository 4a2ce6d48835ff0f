// @vitest-environment jsdom
/**
 * Proves the console's three payment pieces against mocked API answers: the user's payments list
 * with receipt links, the debt split shown before checkout (packs and custom amount) in the server's
 * numbers, the admins' Stripe event log (filters, paging, JSON fetched only when a row is opened),
 * and that a failed payment points to the payments list.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import AdminStripeEventsPage from '../../console/src/admin/events/AdminStripeEventsPage.tsx';
import { BillingPage } from '../../console/src/billing/BillingPage.tsx';
import { PaymentsPage, paymentStatuses, paymentsPageSize } from '../../console/src/billing/payments/PaymentsPage.tsx';
import type { MyPaymentsQuery, StripeEventsQuery } from '../../console/src/generated/graphql.ts';
import {
  MeDocument,
  MyLotsDocument,
  MyPaymentsDocument,
  PriceQuoteDocument,
  PricingDocument,
  StripeEventPayloadDocument,
  StripeEventsDocument,
  TopUpDocument,
} from '../../console/src/generated/graphql.ts';
import { PaymentSuccessPage } from '../../console/src/payment/PaymentSuccessPage.tsx';
import { mockResult } from './support/apolloMocks.ts';
import { me, myLots, pricing, referenceUserId, topUp } from './support/fixtures.ts';
import { renderWithApollo } from './support/renderWithApollo.tsx';

afterEach(() => {
  cleanup();
});

type PaymentNode = MyPaymentsQuery['me']['purchases']['edges'][number]['node'];

function payment(overrides: Partial<PaymentNode>): PaymentNode {
  return {
    __typename: 'Purchase',
    sessionId: 'cs_test_paid',
    status: 'PAID',
    credits: 2500,
    creditsGranted: 2500,
    amountMinor: 2500,
    currency: 'usd',
    amountRefundedMinor: 0,
    createdAt: '2026-11-24T01:22:07.123Z',
    paidAt: '2026-11-24T01:22:30.000Z',
    receiptUrl: null,
    ...overrides,
  };
}

function payments(nodes: PaymentNode[], hasNextPage = false): MyPaymentsQuery {
  return {
    me: {
      __typename: 'User',
      id: referenceUserId,
      purchases: {
        __typename: 'PurchaseConnection',
        edges: nodes.map((node) => ({ __typename: 'PurchaseEdge', cursor: `cursor-${node.sessionId}`, node })),
        pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor: nodes.length ? `cursor-${nodes.at(-1)!.sessionId}` : null },
      },
    },
  };
}

describe('PaymentsPage', () => {
  it("lists the user's payments with status, credits, amount and Stripe's receipt link", async () => {
    // Proves the list asks the server for the payment statuses only, and shows each row: a paid one links to its receipt in a new tab, a refunded one says how much, a failed one has no receipt, one not fetched yet reads "Receipt pending".
    renderWithApollo(<PaymentsPage />, [
      mockResult(
        MyPaymentsDocument,
        { first: paymentsPageSize, statuses: paymentStatuses },
        payments([
          payment({ sessionId: 'cs_test_paid', receiptUrl: 'http://127.0.0.1:12111/receipts/payment/ch_1' }),
          payment({ sessionId: 'cs_test_refunded', status: 'PARTIALLY_REFUNDED', amountRefundedMinor: 1000, receiptUrl: 'http://127.0.0.1:12111/receipts/payment/ch_2' }),
          payment({ sessionId: 'cs_test_failed', status: 'FAILED', credits: 500, creditsGranted: 0, amountMinor: 500 }),
          payment({ sessionId: 'cs_test_new', credits: 1000, amountMinor: 1000 }),
        ]),
      ),
    ]);
    const rows = await screen.findAllByTestId('payment-row');
    expect(rows).toHaveLength(4);
    const receipt = within(rows[0]!).getByRole('link', { name: /Receipt/ });
    expect(receipt.getAttribute('href')).toBe('http://127.0.0.1:12111/receipts/payment/ch_1');
    expect(receipt.getAttribute('target')).toBe('_blank');
    expect(rows[0]!.textContent).toContain('Paid');
    expect(rows[0]!.textContent).toContain('2,500');
    expect(rows[0]!.textContent).toContain('$25.00');
    expect(rows[1]!.textContent).toContain('$10.00 refunded');
    expect(within(rows[2]!).queryByRole('link')).toBeNull();
    expect(rows[2]!.textContent).toContain('Failed');
    expect(rows[3]!.textContent).toContain('Receipt pending');
  });

  it('says so when there are no payments yet', async () => {
    // Proves the empty state of the list.
    renderWithApollo(<PaymentsPage />, [mockResult(MyPaymentsDocument, { first: paymentsPageSize, statuses: paymentStatuses }, payments([]))]);
    expect(await screen.findByText('No payments yet')).toBeTruthy();
  });
});

describe('PaymentSuccessPage after a failed payment', () => {
  it('links to the payments list, not to the credit history', async () => {
    // Proves the failed outcome's next steps: "View payments" goes to /billing/payments and no link goes to /history.
    renderWithApollo(<PaymentSuccessPage sessionId="cs_test_71" />, [mockResult(TopUpDocument, { sessionId: 'cs_test_71' }, topUp({ status: 'FAILED', creditsGranted: 0 }))]);
    expect(await screen.findByRole('heading', { name: 'Payment failed' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'View payments' }).getAttribute('href')).toBe('/billing/payments');
    expect(screen.queryByRole('link', { name: 'View history' })).toBeNull();
  });
});

describe('BillingPage while in debt', () => {
  it("shows, before checkout, what of each pack and of a custom amount pays the debt, in the server's numbers", async () => {
    // Proves the split is the server's: the packs' and the quote's debtRepaid and creditsAdded are worded as given ("2,500 credits: 300 pay your debt, 2,200 are added"), whatever the browser could compute.
    const inDebt = pricing({
      packs: [
        { __typename: 'CreditPack', credits: 500, amountMinor: 500, debtRepaid: 300, creditsAdded: 200 },
        { __typename: 'CreditPack', credits: 1000, amountMinor: 1000, debtRepaid: 300, creditsAdded: 700 },
        { __typename: 'CreditPack', credits: 2500, amountMinor: 2500, debtRepaid: 300, creditsAdded: 2200 },
      ],
    });
    renderWithApollo(<BillingPage />, [
      mockResult(MyLotsDocument, {}, myLots()),
      mockResult(MeDocument, {}, me({ credits: -300, debt: 300 })),
      mockResult(PricingDocument, {}, inDebt),
      mockResult(
        PriceQuoteDocument,
        { credits: 200, currency: 'usd' },
        { priceQuote: { __typename: 'PriceQuote', credits: 200, amountMinor: 200, currency: 'usd', debtRepaid: 200, creditsAdded: 0 } },
      ),
    ]);
    await screen.findByRole('button', { name: 'Buy 2,500 credits for $25.00' });
    const splits = screen.getAllByTestId('debt-split').map((split) => split.textContent);
    expect(splits).toEqual([
      '500 credits: 300 pay your debt, 200 are added',
      '1,000 credits: 300 pay your debt, 700 are added',
      '2,500 credits: 300 pay your debt, 2,200 are added',
    ]);
    const input = screen.getByLabelText('Credits') as HTMLInputElement;
    await waitFor(() => expect(input.disabled).toBe(false));
    fireEvent.change(input, { target: { value: '200' } });
    await waitFor(() => expect(screen.getAllByTestId('debt-split')).toHaveLength(4));
    expect(screen.getAllByTestId('debt-split').at(-1)!.textContent).toBe('200 credits: 200 pay your debt, none are added');
  });

  it('shows no split without debt', async () => {
    // Proves the sentence appears only when the server says part of a purchase repays a debt.
    renderWithApollo(<BillingPage />, [mockResult(MyLotsDocument, {}, myLots()), mockResult(MeDocument, {}, me()), mockResult(PricingDocument, {}, pricing())]);
    await screen.findByRole('button', { name: 'Buy 500 credits for $5.00' });
    expect(screen.queryByTestId('debt-split')).toBeNull();
  });
});

type EventNode = StripeEventsQuery['stripeEvents']['edges'][number]['node'];

function stripeEventNode(overrides: Partial<EventNode>): EventNode {
  return {
    __typename: 'StripeEvent',
    id: 'evt_1',
    type: 'checkout.session.completed',
    outcome: 'PROCESSED',
    description: 'purchase paid, 500 credits granted',
    deliveries: 1,
    error: null,
    receivedAt: '2026-11-24T01:22:07.123Z',
    processedAt: '2026-11-24T01:22:07.200Z',
    userId: 'user_buyer',
    hasPayload: true,
    payloadRemovedAt: null,
    purchase: { __typename: 'Purchase', sessionId: 'cs_test_500' },
    ...overrides,
  };
}

function eventPage(nodes: EventNode[], hasNextPage = false): StripeEventsQuery {
  return {
    stripeEvents: {
      __typename: 'StripeEventConnection',
      edges: nodes.map((node) => ({ __typename: 'StripeEventEdge', cursor: `cursor-${node.id}`, node })),
      pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor: nodes.length ? `cursor-${nodes.at(-1)!.id}` : null },
    },
  };
}

describe('AdminStripeEventsPage', () => {
  it('lists events with their outcome, filters by outcome and duplicates, and pages with "Load more"', async () => {
    // Proves the page asks for the filter chosen (outcomes: [REFUSED]; duplicatesOnly), shows each outcome in words, and "Load more" continues from the end cursor.
    renderWithApollo(<AdminStripeEventsPage />, [
      mockResult(StripeEventsDocument, { filter: {}, first: 50 }, eventPage([stripeEventNode({ id: 'evt_1' }), stripeEventNode({ id: 'evt_2', outcome: 'IGNORED', type: 'charge.succeeded', purchase: null, userId: null, description: 'ignored: charge.succeeded is not handled' })], true)),
      mockResult(StripeEventsDocument, { filter: {}, first: 50, after: 'cursor-evt_2' }, eventPage([stripeEventNode({ id: 'evt_3', outcome: 'FAILED', error: 'database hiccup', processedAt: null })])),
      mockResult(StripeEventsDocument, { filter: { outcomes: ['REFUSED'] }, first: 50 }, eventPage([stripeEventNode({ id: 'evt_refused', outcome: 'REFUSED', purchase: null, userId: null, description: 'refused: NOT_FOUND: no such session' })])),
      mockResult(StripeEventsDocument, { filter: { duplicatesOnly: true }, first: 50 }, eventPage([stripeEventNode({ id: 'evt_twice', deliveries: 2 })])),
    ]);
    let rows = await screen.findAllByTestId('stripe-event-row');
    expect(rows.map((row) => within(row).getByText(/^evt_/).textContent)).toEqual(['evt_1', 'evt_2']);
    expect(rows[0]!.textContent).toContain('Processed');
    expect(rows[1]!.textContent).toContain('Ignored');
    fireEvent.click(screen.getByRole('button', { name: /Load more/ }));
    await waitFor(() => expect(screen.getAllByTestId('stripe-event-row')).toHaveLength(3));
    expect(screen.getAllByTestId('stripe-event-row')[2]!.textContent).toContain('Error: database hiccup');

    fireEvent.change(screen.getByLabelText('Outcome'), { target: { value: 'REFUSED' } });
    await waitFor(() => expect(screen.getAllByTestId('stripe-event-row').map((row) => within(row).getByText(/^evt_/).textContent)).toEqual(['evt_refused']));
    expect(screen.getByTestId('stripe-event-row').textContent).toContain('Refused');
    fireEvent.change(screen.getByLabelText('Outcome'), { target: { value: 'DUPLICATES' } });
    await waitFor(() => expect(screen.getAllByTestId('stripe-event-row').map((row) => within(row).getByText(/^evt_/).textContent)).toEqual(['evt_twice']));
    rows = screen.getAllByTestId('stripe-event-row');
    expect(rows[0]!.textContent).toContain('2');
  });

  it('filters by type, session, user and dates together', async () => {
    // Proves the typed filters reach the API trimmed, and that the date range includes its last day (to = the next day's start).
    const from = new Date(2026, 10, 1).toISOString();
    const to = new Date(2026, 10, 3).toISOString();
    renderWithApollo(<AdminStripeEventsPage />, [
      mockResult(StripeEventsDocument, { filter: {}, first: 50 }, eventPage([stripeEventNode({ id: 'evt_1' })])),
      mockResult(
        StripeEventsDocument,
        { filter: { type: 'charge.dispute', sessionId: 'cs_test_500', userId: 'user_buyer', from, to }, first: 50 },
        eventPage([stripeEventNode({ id: 'evt_dispute', type: 'charge.dispute.created' })]),
      ),
    ]);
    await screen.findAllByTestId('stripe-event-row');
    fireEvent.change(screen.getByLabelText('Event type'), { target: { value: ' charge.dispute ' } });
    fireEvent.change(screen.getByLabelText('Checkout session'), { target: { value: 'cs_test_500' } });
    fireEvent.change(screen.getByLabelText('User id'), { target: { value: 'user_buyer' } });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-11-01' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-11-02' } });
    await waitFor(() => expect(screen.getByTestId('stripe-event-row').textContent).toContain('charge.dispute.created'));
  });

  it("fetches an event's JSON only when its row is opened", async () => {
    // Proves the payload is on demand: no StripeEventPayload request until "Show JSON" is clicked, then the JSON is shown, and "Hide JSON" closes it; an event whose JSON retention removed says so, with the days since processing, and offers no button.
    const payloadRequests: string[] = [];
    const json = JSON.stringify({ id: 'evt_1', object: 'event', data: { object: { id: 'cs_test_500' } } }, null, 2);
    const pruned = stripeEventNode({ id: 'evt_pruned', hasPayload: false, processedAt: '2026-08-01T10:00:00.000Z', payloadRemovedAt: '2026-10-30T11:00:00.000Z' });
    renderWithApollo(<AdminStripeEventsPage />, [
      mockResult(StripeEventsDocument, { filter: {}, first: 50 }, eventPage([stripeEventNode({ id: 'evt_1' }), stripeEventNode({ id: 'evt_old', hasPayload: false }), pruned])),
      mockResult(
        StripeEventPayloadDocument,
        (variables) => {
          payloadRequests.push(String(variables.id));
          return variables.id === 'evt_1';
        },
        { stripeEvent: { __typename: 'StripeEvent', id: 'evt_1', payload: json } },
      ),
    ]);
    const rows = await screen.findAllByTestId('stripe-event-row');
    expect(rows[1]!.textContent).toContain('Not stored');
    expect(within(rows[2]!).getByTestId('payload-removed').textContent).toMatch(/^Removed .+, 90 days after processing \(retention\)$/);
    expect(within(rows[2]!).queryByRole('button')).toBeNull();
    expect(payloadRequests).toEqual([]);
    expect(screen.queryByTestId('event-payload')).toBeNull();
    fireEvent.click(within(rows[0]!).getByRole('button', { name: /Show JSON/ }));
    const payload = await screen.findByTestId('event-payload');
    expect(payload.textContent).toBe(json);
    expect(payloadRequests).toEqual(['evt_1']);
    fireEvent.click(within(rows[0]!).getByRole('button', { name: /Hide JSON/ }));
    expect(screen.queryByTestId('event-payload')).toBeNull();
  });
});
