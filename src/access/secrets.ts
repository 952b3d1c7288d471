import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Random secrets, their stored fingerprints and constant-time comparison. */

/** `bytes` random bytes as base64url (no padding). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 as hex: what is stored for session secrets and API tokens. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** A value derived from a secret with a purpose label (HMAC-SHA256, base64url). */
export function derive(secret: string, purpose: string): string {
  return createHmac('sha256', secret).update(purpose, 'utf8').digest('base64url');
}

/** Constant-time string equality (different lengths compare unequal without an early exit on content). */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}
