// @vitest-environment jsdom
/**
 * Proves what the payment success page says for every outcome of `topUp(sessionId)`, that it keeps
 * asking while a delayed payment is pending and updates when it settles, that it gives up on an
 * unpaid session, and that the balance elsewhere on screen updates once the purchase settles.
 * Polling runs on fake timers, so the 1.5 s pace costs no real time.
 */
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BalanceBadge } from '../../console/src/app/BalanceBadge.tsx';
import { MeDocument, TopUpDocument } from '../../console/src/generated/graphql.ts';
import { PaymentSuccessPage } from '../../console/src/payment/PaymentSuccessPage.tsx';
import { pollingLimits } from '../../console/src/payment/useTopUpPolling.ts';
import { mockGraphQLError, mockNetworkError, mockResult } from './support/apolloMocks.ts';
import { me, topUp } from './support/fixtures.ts';
import { renderWithApollo } from './support/renderWithApollo.tsx';

const variables = { sessionId: 'cs_test_71' };

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

async function advancePolls(count: number) {
  for (let index = 0; index < count; index += 1) {
    await act(() => vi.advanceTimersByTimeAsync(pollingLimits.fastIntervalMilliseconds));
  }
}

describe('PaymentSuccessPage', () => {
  it('says "Credits added: 71" for a paid session, and the header balance goes from 28 to 99 without a reload', async () => {
    renderWithApollo(
      <>
        <BalanceBadge />
        <PaymentSuccessPage sessionId="cs_test_71" />
      </>,
      [
        mockResult(MeDocument, {}, me({ credits: 28 })),
        mockResult(TopUpDocument, variables, topUp(), { delay: 100 }),
        mockResult(MeDocument, {}, me({ credits: 99 })),
      ],
    );
    expect(screen.getByText('Confirming your payment…')).toBeTruthy();
    expect((await screen.findByTestId('header-balance')).textContent).toBe('Balance: 28 credits');

    expect((await screen.findByTestId('credits-added')).textContent).toBe('Credits added: 71');
    expect(screen.getByTestId('new-balance').textContent).toBe('Your balance is now 99 credits.');
    expect(screen.getByText('You paid $0.71.')).toBeTruthy();
    await vi.waitFor(() => expect(screen.getByTestId('header-balance').textContent).toBe('Balance: 99 credits'));
  });

  it('shows a delayed payment as pending, keeps asking, and updates when it settles', async () => {
    renderWithApollo(<PaymentSuccessPage sessionId="cs_test_71" />, [
      mockResult(TopUpDocument, variables, topUp({ status: 'PENDING', creditsGranted: 0, balance: 28 }), { maxUsageCount: 2 }),
      mockResult(TopUpDocument, variables, topUp({ status: 'PAID' })),
    ]);
    expect(await screen.findByText('Payment pending')).toBeTruthy();
    expect(screen.getByText(/Your payment of \$0\.71 for 71 credits is being processed/)).toBeTruthy();
    await advancePolls(1);
    expect(screen.getByText('Payment pending')).toBeTruthy();
    await advancePolls(1);
    expect((await screen.findByTestId('credits-added')).textContent).toBe('Credits added: 71');
    expect(screen.queryByText('Payment pending')).toBeNull();
  });

  it.each([
    ['FAILED', 'Payment failed', 'no credits were added'],
    ['EXPIRED', 'Checkout expired', 'expired before it was paid'],
    ['REFUNDED', 'Payment refunded', 'was refunded'],
    ['DISPUTED', 'Payment disputed', 'disputed with the bank'],
  ] as const)('says what a %s session means', async (status, title, sentence) => {
    renderWithApollo(<PaymentSuccessPage sessionId="cs_test_71" />, [mockResult(TopUpDocument, variables, topUp({ status, creditsGranted: 0 }))]);
    expect(await screen.findByRole('heading', { name: title })).toBeTruthy();
    expect(screen.getByTestId('payment-status').textContent).toContain(sentence);
    expect(screen.queryByTestId('credits-added')).toBeNull();
  });

  it('says "Not paid yet" once an open session stays open for the grace period, and stops asking', async () => {
    renderWithApollo(<PaymentSuccessPage sessionId="cs_test_71" />, [
      mockResult(TopUpDocument, variables, topUp({ status: 'OPEN', creditsGranted: 0, balance: 28 }), {
        maxUsageCount: pollingLimits.openAttemptsMax,
      }),
    ]);
    await screen.findByText('Confirming your payment…');
    await advancePolls(pollingLimits.openAttemptsMax);
    expect(await screen.findByRole('heading', { name: 'Not paid yet' })).toBeTruthy();
    // No mock is left: another request would fail and show an error instead.
    await advancePolls(3);
    expect(screen.getByRole('heading', { name: 'Not paid yet' })).toBeTruthy();
  });

  it.each(['NOT_FOUND', 'FORBIDDEN'])('says "No such payment" on %s, never that it is someone else\'s', async (code) => {
    // Proves a made-up (or another user's) session reads as a payment not found: the words do not
    // claim the session exists and belongs to someone else.
    renderWithApollo(<PaymentSuccessPage sessionId="cs_test_71" />, [mockGraphQLError(TopUpDocument, variables, code)]);
    expect(await screen.findByRole('heading', { name: 'No such payment' })).toBeTruthy();
    expect(screen.getByTestId('payment-status').textContent).toContain('We found no payment with this reference');
    expect(screen.queryByText(/Not your session|belong/)).toBeNull();
  });

  it('rides out a network error, then shows the outcome', async () => {
    renderWithApollo(<PaymentSuccessPage sessionId="cs_test_71" />, [mockNetworkError(TopUpDocument, variables), mockResult(TopUpDocument, variables, topUp())]);
    await advancePolls(1);
    expect((await screen.findByTestId('credits-added')).textContent).toBe('Credits added: 71');
  });

  it('gives up after repeated failures with a plain message and a way to check again', async () => {
    renderWithApollo(<PaymentSuccessPage sessionId="cs_test_71" />, [
      mockNetworkError(TopUpDocument, variables, { maxUsageCount: pollingLimits.consecutiveErrorsMax }),
      mockResult(TopUpDocument, variables, topUp()),
    ]);
    await advancePolls(pollingLimits.consecutiveErrorsMax);
    expect((await screen.findByRole('alert')).textContent).toContain('We cannot reach the server');
    act(() => screen.getByRole('button', { name: 'Check again' }).click());
    expect((await screen.findByTestId('credits-added')).textContent).toBe('Credits added: 71');
  });

  it('explains a success URL without a session id', () => {
    renderWithApollo(<PaymentSuccessPage sessionId={null} />, []);
    expect(screen.getByRole('heading', { name: 'No checkout session' })).toBeTruthy();
  });
});
