import { useSyncExternalStore } from 'react';
import type { z } from 'zod';
import type { meSchema } from '../../access/access.schema.ts';

/**
 * Who is signed in, for the dashboard. The session itself is the HttpOnly `ohvat_session` cookie (the page
 * never sees it); what the page keeps is the CSRF token from `POST /api/auth/login` or `GET /api/auth/me`,
 * sent as `X-CSRF-Token` with every POST/PATCH/PUT/DELETE (`csrfHeaders`). Three calls of their own here
 * (sign-in, sign-out, who am I); everything else goes through api.ts, which adds `csrfHeaders(method)`.
 */

export type Me = z.infer<typeof meSchema>;

let me: Me | null = null;
const listeners = new Set<() => void>();

function set(next: Me | null): void {
  me = next;
  for (const listener of listeners) listener();
}

export function csrfToken(): string | null {
  return me?.csrf_token ?? null;
}

/** Headers a state-changing request needs (none for GET/HEAD or when not signed in by cookie). */
export function csrfHeaders(method: string): Record<string, string> {
  const token = csrfToken();
  return token && !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase()) ? { 'x-csrf-token': token } : {};
}

export function useAuth(): Me | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => me,
  );
}

/** Loads who is signed in (user null when nobody is); call once at start and after a 401. */
export async function refreshMe(): Promise<Me | null> {
  try {
    const response = await fetch('/api/auth/me', { headers: { accept: 'application/json' } });
    set(response.ok ? ((await response.json()) as Me) : null);
  } catch {
    set(null);
  }
  return me;
}

export class SignInError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds to wait after too many attempts (429). */
    readonly retryAfter: number | null,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

export async function signIn(login: string, password: string): Promise<Me | null> {
  const response = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    const retry = Number(response.headers.get('retry-after'));
    throw new SignInError(
      response.status,
      body?.error?.message ?? `HTTP ${response.status}`,
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
  }
  return refreshMe();
}

export async function signOut(): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST', headers: csrfHeaders('POST') }).catch(() => undefined);
  await refreshMe();
}
