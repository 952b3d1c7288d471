import type { FastifyReply, FastifyRequest } from 'fastify';

/** Cookies and security headers, written directly (no extra packages). */

/** Cookie header → name/value pairs (first value of a name wins; values not URI-decoded beyond %XX). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!cookies.has(name)) {
      try {
        cookies.set(name, decodeURIComponent(value));
      } catch {
        cookies.set(name, value);
      }
    }
  }
  return cookies;
}

export interface CookieOptions {
  maxAgeSeconds: number;
  secure: boolean;
}

/** `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure over https. maxAge 0 deletes the cookie. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
  ];
  if (options.maxAgeSeconds <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * Is this request on https? `publicUrl` on https says so for every request; otherwise the connection itself,
 * or `X-Forwarded-Proto` when `trustProxy` is on (Fastify's `request.protocol` honours it then).
 */
export function isSecureRequest(request: FastifyRequest, publicUrl: string | undefined): boolean {
  if (publicUrl?.startsWith('https://')) return true;
  return request.protocol === 'https';
}

/** The dashboard's policy: its own scripts, styles (inline style attributes for charts) and data images. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
  "connect-src 'self'; frame-ancestors 'none'";

/** Swagger UI (`/api/docs`): the same, plus `blob:`/`data:` images and fonts its bundle uses. */
export const DOCS_CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
  "script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

/** Adds the security headers a response does not set itself. */
export function applySecurityHeaders(request: FastifyRequest, reply: FastifyReply, secure: boolean): void {
  const set = (name: string, value: string) => {
    if (!reply.hasHeader(name)) reply.header(name, value);
  };
  const path = request.url.split('?')[0] ?? '';
  set(
    'content-security-policy',
    path === '/api/docs' || path.startsWith('/api/docs/')
      ? DOCS_CONTENT_SECURITY_POLICY
      : CONTENT_SECURITY_POLICY,
  );
  set('x-content-type-options', 'nosniff');
  set('x-frame-options', 'DENY');
  set('referrer-policy', 'same-origin');
  set('cross-origin-opener-policy', 'same-origin');
  if (secure) set('strict-transport-security', 'max-age=31536000; includeSubDomains');
}
