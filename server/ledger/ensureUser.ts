import type { Storage } from '../db/storage.ts';
import type { UserRow } from './ledgerTypes.ts';

/** Creates the user on first sight, or updates a changed email. Errors: BAD_USER_INPUT for a malformed id or email. */
export function ensureUser(storage: Storage, options: { userId: string; email: string | null }): Promise<UserRow> {
  return storage.call<UserRow>('ensure_user', { p_user_id: options.userId, p_email: options.email });
}
