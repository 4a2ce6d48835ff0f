/**
 * The API version the sandbox speaks and stamps on events: the version pinned by the installed
 * `stripe` SDK (23.1.0), which is what Topup sends in `Stripe-Version`. A test keeps the two
 * equal when the SDK is upgraded.
 */
export const sandboxApiVersion = '2026-10-28.endive';
