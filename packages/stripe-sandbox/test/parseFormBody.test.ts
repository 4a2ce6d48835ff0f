import { describe, expect, it } from 'vitest';
import { parseFormBody } from '../src/parseFormBody.ts';
import { RequestParams } from '../src/requestParams.ts';
import { StripeApiError } from '../src/stripeApiError.ts';

describe('Stripe sandbox: form parameters', () => {
  it('parses nested brackets, appended and indexed lists the way Stripe reads them', () => {
    // Proves both list spellings (`expand[]=` from curl, `expand[0]=` from the SDK) and deep nesting read back through RequestParams, with `+` and %-escapes decoded.
    const params = new RequestParams(
      parseFormBody(
        'metadata[type]=credit_topup&metadata[note]=a+b%26c&expand[]=line_items&expand[]=payment_intent' +
          '&line_items[0][price_data][unit_amount]=71&line_items[0][quantity]=1&line_items[1][quantity]=2&types[0]=a&types[1]=b',
      ),
    );
    expect(params.optionalMetadata('metadata')).toEqual({ type: 'credit_topup', note: 'a b&c' });
    expect(params.stringList('expand', { countMax: 20 })).toEqual(['line_items', 'payment_intent']);
    expect(params.stringList('types', { countMax: 20 })).toEqual(['a', 'b']);
    const lineItems = params.objectList('line_items', { countMax: 100 });
    expect(lineItems.map((lineItem) => lineItem.requiredInteger('quantity'))).toEqual([1, 2]);
    expect(lineItems[0]?.requiredObject('price_data').requiredInteger('unit_amount')).toBe(71);
    expect(lineItems[1]?.parameterName('quantity')).toBe('line_items[1][quantity]');
  });

  it('refuses prototype keys, conflicting shapes and oversized metadata with invalid_request_error', () => {
    // Proves hostile or malformed input becomes a Stripe 400 instead of polluting objects or crashing.
    expect(() => parseFormBody('__proto__[polluted]=1')).toThrow(StripeApiError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => parseFormBody('a=1&a[b]=2')).toThrow(StripeApiError);
    const tooMany = Array.from({ length: 51 }, (_, index) => `metadata[k${index}]=v`).join('&');
    expect(() => new RequestParams(parseFormBody(tooMany)).optionalMetadata('metadata')).toThrow(/at most 50 keys/);
    expect(() => new RequestParams(parseFormBody('amount=1e3')).optionalInteger('amount')).toThrow(/Invalid integer: 1e3/);
  });
});
