/** What the caller may do, established only from a verified credential. */
export type Role = 'user' | 'admin' | 'service';

/**
 * The authenticated caller. `userId` is the Clerk (or dev) user id for users and admins, and
 * `service:<fingerprint>` for service keys, which act on behalf of no user.
 */
export interface Viewer {
  userId: string;
  email: string | null;
  role: Role;
  /** Set for role `service`: the name recorded as the actor of what the service does. */
  serviceName?: string;
}
