import { describe, expect, it } from 'vitest';
import { stripeEventPayloadBytesMax, stripeEventRecord } from '../../server/billing/stripeEventRecord.ts';
import { checkoutSession, stripeEvent } from '../support/stripeEvents.ts';

describe('stripeEventRecord', () => {
  it('keeps an ordinary event whole and replaces one over the bound by a marker', () => {
    // Proves the payload bound of the admins' log: a checkout event from the fixtures is kept as it was verified, one whose JSON exceeds stripeEventPayloadBytesMax keeps only {truncated, bytes, id, type}.
    const event = stripeEvent('checkout.session.completed', checkoutSession({ sessionId: 'cs_test_record', amountMinor: 500, paymentIntentId: 'pi_test_record' }));
    const record = stripeEventRecord(event);
    expect(record).toMatchObject({ id: event.id, type: event.type, created: event.created, livemode: false });
    expect(record.payload).toEqual(JSON.parse(JSON.stringify(event)));

    const large = stripeEvent('customer.updated', { id: 'cus_big', description: 'x'.repeat(stripeEventPayloadBytesMax) });
    const bytes = Buffer.byteLength(JSON.stringify(large), 'utf8');
    expect(stripeEventRecord(large).payload).toEqual({ truncated: true, bytes, id: large.id, type: 'customer.updated' });
  });
});
