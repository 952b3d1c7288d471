/** Retry delays shared by the Bot API client and the public page reader. */

export interface BackoffOptions {
  /** First retry waits up to this (ms); each next retry doubles the ceiling. */
  baseMs: number;
  /** Ceiling of any backoff delay (ms). */
  maxMs: number;
  /** Longest `Retry-After` honoured (ms); longer requests are cut to this. */
  maxRetryAfterMs: number;
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  baseMs: 500,
  maxMs: 30_000,
  maxRetryAfterMs: 60_000,
  random: Math.random,
};

/**
 * Delay before retry number `attempt` (0 for the first retry): the server's `Retry-After` when it sent one,
 * else exponential backoff with full jitter — uniform in [0, min(max, base·2^attempt)].
 */
export function retryDelay(attempt: number, options: BackoffOptions, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxRetryAfterMs);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
  return Math.floor(options.random() * ceiling);
}

export function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
