/** A value kept in localStorage, or `null` when there is none or the browser refuses storage (private mode, a policy). */
export function readStoredValue(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}
