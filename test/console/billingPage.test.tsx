// @vitest-environment jsdom
/**
 * Proves the billing page's states against mocked API answers: the balance and debt, packs priced
 * by the server, live validation of a custom amount with the server's quote, and what buying does
 * (leaves for the checkout URL, or says why it cannot).
 */
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BillingPage } from '../../console/src/billing/BillingPage.tsx';
import { CreateCreditTopUpSessionDocument, MeDocument, MyLotsDocument, PriceQuoteDocument, PricingDocument } from '../../console/src/generated/graphql.ts';
import { mockGraphQLError, mockNetworkError, mockResult } from './support/apolloMocks.ts';
import { me, myLots, pricing } from './support/fixtures.ts';
import { renderWithApollo } from './support/renderWithApollo.tsx';

const leaveForCheckout = vi.hoisted(() => vi.fn());
vi.mock('../../console/src/billing/leaveForCheckout.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../console/src/billing/leaveForCheckout.ts')>()),
  leaveForCheckout,
}));

afterEach(() => {
  cleanup();
  leaveForCheckout.mockReset();
});

describe('BillingPage', () => {
  it('shows placeholders while loading, then the balance and the packs with server prices', async () => {
    renderWithApollo(<BillingPage />, [
      mockResult(MyLotsDocument, {}, myLots()),
      mockResult(MeDocument, {}, me(), { delay: 20 }),
      mockResult(PricingDocument, {}, pricing(), { delay: 20 }),
    ]);
    expect(screen.getByLabelText('Loading balance')).toBeTruthy();
    expect(screen.getByLabelText('Loading packs')).toBeTruthy();

    expect(await screen.findByText('28 credits')).toBeTruthy();
    expect(await screen.findByRole('button', { name: 'Buy 500 credits for $5.00' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Buy 1,000 credits for $10.00' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Buy 2,500 credits for $25.00' })).toBeTruthy();
    expect(screen.getByText('Between 50 and 1,000,000 credits.')).toBeTruthy();
    expect(screen.queryByTestId('debt')).toBeNull();
  });

  it('shows the debt when a clawback made the balance negative', async () => {
    renderWithApollo(<BillingPage />, [
      mockResult(MyLotsDocument, {}, myLots()),
      mockResult(MeDocument, {}, me({ credits: -12, debt: 12 })),
      mockResult(PricingDocument, {}, pricing()),
    ]);
    expect(await screen.findByText('-12 credits')).toBeTruthy();
    expect(screen.getByTestId('debt').textContent).toContain('You owe 12 credits');
  });

  it('says in plain words when prices cannot be loaded, and retries', async () => {
    renderWithApollo(<BillingPage />, [
      mockResult(MyLotsDocument, {}, myLots()),
      mockResult(MeDocument, {}, me()),
      mockNetworkError(PricingDocument, {}),
      mockResult(PricingDocument, {}, pricing()),
    ]);
    expect((await screen.findByRole('alert')).textContent).toContain('We cannot reach the server');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('button', { name: 'Buy 500 credits for $5.00' })).toBeTruthy();
  });

  it('validates a custom amount live against the bounds, and shows the total the server computed', async () => {
    renderWithApollo(<BillingPage />, [
      mockResult(MyLotsDocument, {}, myLots()),
      mockResult(MeDocument, {}, me()),
      mockResult(PricingDocument, {}, pricing()),
      mockResult(PriceQuoteDocument, { credits: 71, currency: 'usd' }, { priceQuote: { __typename: 'PriceQuote', credits: 71, amountMinor: 71, currency: 'usd', debtRepaid: 0, creditsAdded: 71 } }),
      mockResult(
        CreateCreditTopUpSessionDocument,
        { input: { credits: 71, currency: 'usd' } },
        {
          createCreditTopUpSession: {
            __typename: 'CheckoutSession',
            sessionId: 'cs_test_71',
            url: 'http://127.0.0.1:12111/checkout/cs_test_71',
            credits: 71,
            amountMinor: 71,
            currency: 'usd',
          },
        },
      ),
    ]);
    const input = await screen.findByLabelText('Credits');
    await waitFor(() => expect((input as HTMLInputElement).disabled).toBe(false));

    fireEvent.change(input, { target: { value: '12' } });
    expect(screen.getByText('The smallest purchase is 50 credits.')).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(input, { target: { value: '2000000' } });
    expect(screen.getByText('The largest purchase is 1,000,000 credits.')).toBeTruthy();
    fireEvent.change(input, { target: { value: '7.5' } });
    expect(screen.getByText('Enter a whole number of credits.')).toBeTruthy();

    fireEvent.change(input, { target: { value: '71' } });
    expect(input.getAttribute('aria-invalid')).toBe('false');
    const buy = screen.getByRole('button', { name: 'Buy 71 credits' }) as HTMLButtonElement;
    expect(buy.disabled).toBe(true);
    await waitFor(() => expect(screen.getByTestId('custom-total').textContent).toBe('Total: $0.71'));
    expect(buy.disabled).toBe(false);

    fireEvent.click(buy);
    await waitFor(() => expect(leaveForCheckout).toHaveBeenCalledWith('http://127.0.0.1:12111/checkout/cs_test_71'));
    expect(screen.getByRole('button', { name: 'Redirecting…' })).toBeTruthy();
  });

  it('says payments are unavailable when Stripe is down, and lets the user try again', async () => {
    renderWithApollo(<BillingPage />, [
      mockResult(MyLotsDocument, {}, myLots()),
      mockResult(MeDocument, {}, me()),
      mockResult(PricingDocument, {}, pricing()),
      mockGraphQLError(CreateCreditTopUpSessionDocument, { input: { credits: 500, currency: 'usd' } }, 'STRIPE_UNAVAILABLE', 'stripe: connection refused'),
    ]);
    fireEvent.click(await screen.findByRole('button', { name: 'Buy 500 credits for $5.00' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Payments are temporarily unavailable, try again in a minute');
    expect(alert.textContent).not.toContain('STRIPE');
    expect(leaveForCheckout).not.toHaveBeenCalled();
    expect((screen.getByRole('button', { name: 'Buy 500 credits for $5.00' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('mentions a canceled checkout', async () => {
    renderWithApollo(<BillingPage checkoutCanceled />, [
      mockResult(MyLotsDocument, {}, myLots()),
      mockResult(MeDocument, {}, me()),
      mockResult(PricingDocument, {}, pricing()),
    ]);
    expect(screen.getByText('Checkout was canceled. You were not charged.')).toBeTruthy();
  });
});
