/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Set at build time to sign in with Clerk; unset, the console offers development sign-in. */
  readonly VITE_CLERK_PUBLISHABLE_KEY?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
