/**
 * The key Topup and its scripts use with the local Stripe sandbox. The sandbox listens on 127.0.0.1
 * only and moves no money, so a fixed, public key costs nothing and lets `npm run stripe:reconcile`
 * reach the sandbox of a running `npm start`.
 */
export const sandboxApiKey = 'sk_test_sandbox_topup_local';
