import { readStoredValue } from '../storage/readStoredValue.ts';

/**
 * The development token, kept in localStorage so it survives the trip to the hosted checkout and
 * back (a fresh page load on the success URL). Only ever used without Clerk.
 */
const storageKey = 'topup.devToken';

export function readDevToken(): string | null {
  return readStoredValue(storageKey);
}

export function storeDevToken(token: string): void {
  window.localStorage.setItem(storageKey, token);
}

export function clearDevToken(): void {
  window.localStorage.removeItem(storageKey);
}
