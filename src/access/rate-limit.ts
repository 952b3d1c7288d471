/**
 * In-memory token buckets by key (client address, API token, login): `take` either spends one token or says
 * how long to wait. Per process: behind several server processes each has its own buckets, which only makes
 * the limits per process — acceptable for abuse protection (the MAX budget is shared through Redis instead).
 */

interface Bucket {
  tokens: number;
  updated: number;
}

export interface TakeResult {
  ok: boolean;
  /** Seconds until a token is available (when refused). */
  retryAfter: number;
}

/** Buckets not touched for this long are full again and can be forgotten. */
const MAX_KEYS = 50_000;

export class KeyedBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    /** Tokens added per second. */
    private readonly ratePerSecond: number,
    /** Bucket size. */
    private readonly capacity: number,
    private readonly clock: () => number = Date.now,
  ) {}

  private refill(key: string): Bucket {
    const now = this.clock();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updated: now };
    bucket.tokens = Math.min(
      this.capacity,
      bucket.tokens + ((now - bucket.updated) / 1000) * this.ratePerSecond,
    );
    bucket.updated = now;
    return bucket;
  }

  take(key: string): TakeResult {
    const bucket = this.refill(key);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.buckets.set(key, bucket);
      if (this.buckets.size > MAX_KEYS) this.prune();
      return { ok: true, retryAfter: 0 };
    }
    this.buckets.set(key, bucket);
    return { ok: false, retryAfter: Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerSecond)) };
  }

  /** Gives a token back (a sign-in that succeeded does not count against the limit). */
  refund(key: string): void {
    const bucket = this.buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.capacity, bucket.tokens + 1);
  }

  private prune(): void {
    const now = this.clock();
    const fullAfterMs = (this.capacity / this.ratePerSecond) * 1000;
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.updated >= fullAfterMs) this.buckets.delete(key);
    }
    // Still too many (a flood of distinct keys): drop the oldest half.
    if (this.buckets.size > MAX_KEYS) {
      let drop = Math.floor(this.buckets.size / 2);
      for (const key of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(key);
      }
    }
  }
}

/** Sign-in attempts: limited per client address and per login; both buckets must have a token. */
export class LoginLimiter {
  private readonly byIp: KeyedBuckets;
  private readonly byLogin: KeyedBuckets;

  constructor(attemptsPerMinute: number, clock: () => number = Date.now) {
    this.byIp = new KeyedBuckets(attemptsPerMinute / 60, attemptsPerMinute, clock);
    this.byLogin = new KeyedBuckets(attemptsPerMinute / 60, attemptsPerMinute, clock);
  }

  /** Spends one attempt of each; refused when either is exhausted. */
  attempt(ip: string, login: string): TakeResult {
    const a = this.byIp.take(ip);
    const b = this.byLogin.take(login);
    if (a.ok && b.ok) return a;
    if (a.ok) this.byIp.refund(ip);
    if (b.ok) this.byLogin.refund(login);
    return { ok: false, retryAfter: Math.max(a.retryAfter, b.retryAfter) };
  }

  /** A successful sign-in gives its attempt back. */
  succeeded(ip: string, login: string): void {
    this.byIp.refund(ip);
    this.byLogin.refund(login);
  }
}
