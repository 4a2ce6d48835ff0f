import type Stripe from 'stripe';
import { createId } from '../createId.ts';
import { buildCustomer } from '../objects/buildCustomer.ts';
import type { RequestParams } from '../requestParams.ts';
import { unixSeconds, type SandboxContext } from '../sandboxContext.ts';

/** Parameters of `POST /v1/customers` that Stripe knows; the sandbox stores the first few. */
const knownParameterNames = [
  'address', 'balance', 'business_name', 'cash_balance', 'description', 'email', 'expand', 'individual_name',
  'invoice_prefix', 'invoice_settings', 'metadata', 'name', 'next_invoice_sequence', 'payment_method', 'phone',
  'preferred_locales', 'shipping', 'source', 'tax', 'tax_exempt', 'tax_id_data', 'test_clock', 'validate',
] as const;

/**
 * `POST /v1/customers`: stores a customer with email, name, description, phone and metadata.
 *
 * Errors: `invalid_request_error` for unknown parameters or values over Stripe's limits.
 */
export function createCustomer(context: SandboxContext, params: RequestParams): Stripe.Customer {
  params.rejectUnknown(knownParameterNames);
  const customer = buildCustomer({
    id: createId('cus_', 14),
    created: unixSeconds(context.now()),
    email: params.optionalString('email', { lengthMax: 512 }),
    name: params.optionalString('name', { lengthMax: 256 }),
    description: params.optionalString('description', { lengthMax: 350 }),
    phone: params.optionalString('phone', { lengthMax: 20 }),
    metadata: params.optionalMetadata('metadata') ?? {},
    invoicePrefix: createId('', 8).toUpperCase(),
  });
  context.state.customers[customer.id] = customer;
  context.markChanged();
  return customer;
}
