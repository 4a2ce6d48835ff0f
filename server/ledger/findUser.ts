import type { Storage } from '../db/storage.ts';
import type { UserRow } from './ledgerTypes.ts';

/** The user, or null when the id was never seen. */
export function findUser(storage: Storage, userId: string): Promise<UserRow | null> {
  return storage.call<UserRow | null>('find_user', { p_user_id: userId });
}
