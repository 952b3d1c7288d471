/**
 * Pacing of outgoing requests. Every MAX request first awaits `acquire()`. The in-process implementation is
 * below; a Redis-backed one shares one budget between workers (see redis-rate-limiter.ts).
 */
export interface RateLimiter {
  /** Resolves when the caller may send one request. */
  acquire(): Promise<void>;
}

/**
 * A token bucket that paces evenly: up to `capacity` requests may start at once after an idle period, then
 * one every 1/rate seconds. Waiters are served in arrival order by reserving future slots (the balance may go
 * negative), so there is no polling. With capacity 1 (the default) requests are spaced exactly 1/rate apart,
 * which never trips a server-side bucket of the same rate however the network jitters.
 */
export class TokenBucketLimiter implements RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    readonly capacity = 1,
    private readonly clock: () => number = () => performance.now(),
  ) {
    if (!(rate > 0) || !(capacity >= 1)) throw new RangeError('rate must be > 0 and capacity ≥ 1');
    this.tokens = capacity;
    this.last = clock();
  }

  /** Milliseconds the next caller would wait (0 when a token is available). */
  get waitMs(): number {
    const balance = Math.min(this.capacity, this.tokens + ((this.clock() - this.last) / 1000) * this.rate);
    return balance >= 1 ? 0 : ((1 - balance) / this.rate) * 1000;
  }

  acquire(): Promise<void> {
    const now = this.clock();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return Promise.resolve();
    const wait = (-this.tokens / this.rate) * 1000;
    return new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
  }
}

/** No pacing (tests, or a server known to have no limit). */
export const UNLIMITED: RateLimiter = { acquire: () => Promise.resolve() };
