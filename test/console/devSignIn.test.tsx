// @vitest-environment jsdom
/**
 * Proves the development sign-in: it is labelled as such, asks `/api/dev/token` for the chosen user
 * and role, keeps the token across reloads (the trip to checkout), and explains a server without
 * dev auth.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DevSignIn, referenceUserId } from '../../console/src/auth/DevSignIn.tsx';
import { readDevToken, storeDevToken } from '../../console/src/auth/devTokenStore.ts';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe('DevSignIn', () => {
  it('signs in the reference user as an admin', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ token: 'dev-token-1' }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    const onSignedIn = vi.fn();
    render(<DevSignIn onSignedIn={onSignedIn} />);
    expect(screen.getByRole('note').textContent).toContain('Development sign-in.');
    fireEvent.click(screen.getByLabelText('Admin'));
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith('dev-token-1'));
    expect(fetchMock).toHaveBeenCalledWith('/api/dev/token', expect.objectContaining({ method: 'POST' }));
    const body = JSON.parse(String((fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1].body));
    expect(body).toEqual({ userId: referenceUserId, role: 'admin' });
  });

  it('signs in a typed user id with an email, and explains a server without dev auth', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('not found', { status: 404 })));
    render(<DevSignIn onSignedIn={() => undefined} />);
    fireEvent.click(screen.getByLabelText('Another user'));
    fireEvent.change(screen.getByLabelText('User id'), { target: { value: 'user_other' } });
    fireEvent.change(screen.getByLabelText('Email (optional)'), { target: { value: 'other@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Development sign-in is turned off on this server.')).toBeTruthy();
  });

  it('keeps the token in localStorage', () => {
    storeDevToken('kept');
    expect(readDevToken()).toBe('kept');
  });
});
