import { describe, expect, it } from 'vitest';
import { describeAutoTopUp, formatMajorAmount, parseMajorAmount } from '../../console/src/autoTopUp/describeAutoTopUp.ts';

describe('auto top-up in words and amounts', () => {
  it('says each status in plain words, with the server\'s last error', () => {
    // Proves the console's wording for each status: what OFF means with and without a card, and that DISABLED and REQUIRES_ACTION carry Stripe's message.
    expect(describeAutoTopUp({ status: 'OFF', paymentMethod: null })).toBe('Off. Save a card at checkout to use it.');
    expect(describeAutoTopUp({ status: 'OFF', paymentMethod: { last4: '4242' } })).toBe('Off. Your saved card is not charged automatically.');
    expect(describeAutoTopUp({ status: 'ACTIVE', lastError: null })).toBe('On.');
    expect(describeAutoTopUp({ status: 'DISABLED', lastError: 'Your card has insufficient funds.' })).toBe(
      'Switched off after three failed payments in a row. Check your card, then turn it on again. Last problem: Your card has insufficient funds.',
    );
    expect(describeAutoTopUp({ status: 'REQUIRES_ACTION', lastError: null })).toContain('confirm the last automatic payment');
  });

  it('reads a monthly limit typed in major units exactly, and refuses what is not an amount', () => {
    // Proves the limit field's conversion with integers only: cents for USD, none for JPY, three digits for KWD, and null for malformed text.
    expect(parseMajorAmount('20', 2)).toBe(2000);
    expect(parseMajorAmount('20.5', 2)).toBe(2050);
    expect(parseMajorAmount('0.07', 2)).toBe(7);
    expect(parseMajorAmount('1500', 0)).toBe(1500);
    expect(parseMajorAmount('1.234', 3)).toBe(1234);
    for (const bad of ['', '-1', '1.234', '1e3', 'abc', '1,5']) expect(parseMajorAmount(bad, 2), bad).toBeNull();
    expect(formatMajorAmount(2050, 2)).toBe('20.50');
    expect(formatMajorAmount(7, 2)).toBe('0.07');
    expect(formatMajorAmount(1500, 0)).toBe('1500');
  });
});
