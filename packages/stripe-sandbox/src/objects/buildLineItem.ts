import type Stripe from 'stripe';

/**
 * Stripe sends decimal amounts as strings; the SDK turns them into its own Decimal class while
 * parsing a response, so the wire shape of a price differs from `Stripe.Price` in that field.
 */
export type WirePrice = Omit<Stripe.Price, 'unit_amount_decimal'> & { unit_amount_decimal: string | null };
export type WireLineItem = Omit<Stripe.LineItem, 'price'> & { price: WirePrice | null };

/**
 * A checkout line item made from `price_data`, shaped like `resources.item` of fixtures3.json.
 * Stripe creates an inline one-time price and product for `price_data`; the sandbox mints
 * their ids but does not serve them.
 */
export function buildLineItem(fields: {
  id: string;
  priceId: string;
  productId: string;
  created: number;
  currency: string;
  unitAmountMinor: number;
  quantity: number;
  description: string;
}): WireLineItem {
  const amountMinor = fields.unitAmountMinor * fields.quantity;
  return {
    id: fields.id,
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amountMinor,
    amount_tax: 0,
    amount_total: amountMinor,
    currency: fields.currency,
    description: fields.description,
    metadata: {},
    price: {
      id: fields.priceId,
      object: 'price',
      active: false,
      billing_scheme: 'per_unit',
      created: fields.created,
      currency: fields.currency,
      custom_unit_amount: null,
      livemode: false,
      lookup_key: null,
      metadata: {},
      nickname: null,
      product: fields.productId,
      recurring: null,
      tax_behavior: 'unspecified',
      tiers_mode: null,
      transform_quantity: null,
      type: 'one_time',
      unit_amount: fields.unitAmountMinor,
      unit_amount_decimal: String(fields.unitAmountMinor),
    },
    quantity: fields.quantity,
  };
}
