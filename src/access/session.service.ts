import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { Principal } from './principal.ts';
import { isRole } from './principal.ts';
import { derive, randomSecret, sha256Hex } from './secrets.ts';
import {
  deleteExpiredSessions,
  deleteSession,
  findSession,
  insertSession,
  touchSession,
} from './session.repository.ts';
import { findUser, type UserWithRegions, withRegions } from './user.repository.ts';

/**
 * Sign-in sessions. The browser holds a random 32-byte secret in the `ohvat_session` cookie; the database
 * holds only its SHA-256. The CSRF token is derived from the secret (HMAC with a fixed purpose), so it is
 * bound to the session, needs no storage, and cannot be computed by anyone who cannot read the cookie.
 * A session ends after `idle` without use or `max` after sign-in, whichever comes first.
 */

export const SESSION_COOKIE = 'ohvat_session';
const CSRF_PURPOSE = 'ohvat-csrf-v1';
/** last_seen_at is written at most this often per session. */
const TOUCH_EVERY_MS = 60_000;
const SECRET_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export interface SessionSettings {
  idleMs: number;
  maxMs: number;
}

export function sessionSettings(config: {
  session: { idleHours: number; maxDays: number };
}): SessionSettings {
  return { idleMs: config.session.idleHours * 3_600_000, maxMs: config.session.maxDays * 86_400_000 };
}

export interface StartedSession {
  /** Goes into the cookie only. */
  secret: string;
  csrfToken: string;
  expiresAt: string;
}

export function csrfTokenOf(secret: string): string {
  return derive(secret, CSRF_PURPOSE);
}

export async function startSession(
  db: Kysely<DB>,
  userId: number,
  settings: SessionSettings,
  meta: { ip: string | null; userAgent: string | null },
  now = Date.now(),
): Promise<StartedSession> {
  const secret = randomSecret(32);
  const at = new Date(now).toISOString();
  const expiresAt = new Date(now + settings.maxMs).toISOString();
  await deleteExpiredSessions(db, at, new Date(now - settings.idleMs).toISOString());
  await insertSession(db, {
    id: sha256Hex(secret),
    user_id: userId,
    created_at: at,
    expires_at: expiresAt,
    last_seen_at: at,
    ip: meta.ip,
    user_agent: meta.userAgent === null ? null : meta.userAgent.slice(0, 300),
  });
  return { secret, csrfToken: csrfTokenOf(secret), expiresAt };
}

export interface ActiveSession {
  id: string;
  user: UserWithRegions;
  principal: Principal;
  expiresAt: string;
}

/** The live session of a cookie secret, or null (unknown, expired, idle too long, user disabled). */
export async function resolveSession(
  db: Kysely<DB>,
  secret: string,
  settings: SessionSettings,
  now = Date.now(),
): Promise<ActiveSession | null> {
  if (!SECRET_FORMAT.test(secret)) return null;
  const id = sha256Hex(secret);
  const session = await findSession(db, id);
  if (!session) return null;
  const expired =
    Date.parse(session.expires_at) <= now || Date.parse(session.last_seen_at) + settings.idleMs <= now;
  const user = expired ? undefined : await findUser(db, session.user_id);
  if (!user || user.disabled === 1 || !isRole(user.role)) {
    await deleteSession(db, id);
    return null;
  }
  if (now - Date.parse(session.last_seen_at) >= TOUCH_EVERY_MS) {
    await touchSession(db, id, new Date(now).toISOString());
  }
  const full = await withRegions(db, user);
  return {
    id,
    user: full,
    expiresAt: session.expires_at,
    principal: {
      kind: 'user',
      id: user.id,
      name: user.login,
      role: user.role,
      regions: user.role === 'operator' ? full.regions : [],
    },
  };
}

export async function endSession(db: Kysely<DB>, secret: string): Promise<void> {
  if (SECRET_FORMAT.test(secret)) await deleteSession(db, sha256Hex(secret));
}
