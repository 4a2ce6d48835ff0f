/**
 * The package's public surface: start a sandbox (in-process, as `npm start` does when no
 * STRIPE_SECRET_KEY is set) and its types. Everything else under `src/` is internal.
 */
export { startStripeSandbox, type StripeSandbox, type StripeSandboxOptions } from './startStripeSandbox.ts';
export { defaultSandboxRetention, type SandboxRetention } from './retainState.ts';
export { createManualTimers, realTimers, type ManualTimers, type SandboxTimers } from './sandboxTimers.ts';
