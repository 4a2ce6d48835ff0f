import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { DevTokenError, requestDevToken } from './requestDevToken.ts';

/** The user the reference scenario and the seed data use (28 credits on a fresh database). */
export const referenceUserId = 'user_32mSltWx9KkUkJe3sN2Bkym2w45';

interface DevSignInProps {
  onSignedIn: (token: string) => void;
}

/**
 * Development sign-in: pick the reference user or type any id, choose a role, and get a token
 * from the server. Shown only when the console was built without Clerk, and marked as such,
 * because anyone can be anyone here.
 */
export function DevSignIn({ onSignedIn }: DevSignInProps) {
  const [userChoice, setUserChoice] = useState<'reference' | 'other'>('reference');
  const [otherUserId, setOtherUserId] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'user' | 'admin'>('user');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();

  const userId = userChoice === 'reference' ? referenceUserId : otherUserId.trim();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (userId === '') {
      setError('Type a user id, or pick the reference user.');
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const trimmedEmail = email.trim();
      const token = await requestDevToken({ userId, role, ...(trimmedEmail ? { email: trimmedEmail } : {}) });
      onSignedIn(token);
    } catch (caught) {
      setError(caught instanceof DevTokenError ? caught.message : 'Sign-in failed. Please try again.');
      setSubmitting(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <form className="card sign-in__card" onSubmit={submit} aria-describedby={error ? errorId : undefined} noValidate>
        <p className="dev-banner" role="note">
          <strong>Development sign-in.</strong> No password: for local development and the Stripe sandbox only.
        </p>
        <h1>Sign in to Topup</h1>

        <fieldset>
          <legend>User</legend>
          <label className="choice">
            <input
              type="radio"
              name="userChoice"
              value="reference"
              checked={userChoice === 'reference'}
              onChange={() => setUserChoice('reference')}
            />
            <span>
              Reference user <code className="id" title={referenceUserId}>
                {referenceUserId}
              </code>
            </span>
          </label>
          <label className="choice">
            <input type="radio" name="userChoice" value="other" checked={userChoice === 'other'} onChange={() => setUserChoice('other')} />
            <span>Another user</span>
          </label>
          {userChoice === 'other' && (
            <div className="field">
              <label htmlFor="dev-user-id">User id</label>
              <input
                id="dev-user-id"
                value={otherUserId}
                onChange={(event) => setOtherUserId(event.target.value)}
                placeholder="user_..."
                autoComplete="off"
                spellCheck={false}
                autoFocus
              />
            </div>
          )}
        </fieldset>

        <div className="field">
          <label htmlFor="dev-email">Email (optional)</label>
          <input id="dev-email" type="email" value={email} onChange={(event) => setEmail(event.target.value)} autoComplete="off" />
        </div>

        <fieldset>
          <legend>Role</legend>
          <label className="choice">
            <input type="radio" name="role" value="user" checked={role === 'user'} onChange={() => setRole('user')} />
            <span>User</span>
          </label>
          <label className="choice">
            <input type="radio" name="role" value="admin" checked={role === 'admin'} onChange={() => setRole('admin')} />
            <span>Admin</span>
          </label>
        </fieldset>

        <p className="form-error" id={errorId} role="alert">
          {error}
        </p>
        <button type="submit" className="button button--primary" disabled={submitting}>
          {submitting ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
