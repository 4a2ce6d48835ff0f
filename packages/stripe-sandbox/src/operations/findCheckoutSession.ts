import type { SandboxContext } from '../sandboxContext.ts';
import type { StoredCheckoutSession } from '../sandboxState.ts';
import { expireCheckoutSessionIfDue } from './expireCheckoutSession.ts';
import { findRecord } from './findRecord.ts';

/**
 * Looks up a checkout session, first expiring it if its `expires_at` has passed, so a read
 * never shows an open session that Stripe would show as expired.
 *
 * Errors: 404 `resource_missing` ("No such checkout session: 'cs_test_...'").
 */
export function findCheckoutSession(context: SandboxContext, id: string, param = 'id'): StoredCheckoutSession {
  const stored = findRecord(context.state.checkoutSessions, 'checkout session', id, param);
  expireCheckoutSessionIfDue(context, stored);
  return stored;
}
