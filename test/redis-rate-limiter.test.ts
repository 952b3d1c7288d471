import { afterAll, describe, expect, it } from 'vitest';
import { limiterKeyForToken, RedisRateLimiter } from '../src/collect/redis-rate-limiter.ts';
import { testRedis, uniqueKey } from './helpers/redis.ts';

describe('RedisRateLimiter', () => {
  const connections = [testRedis(), testRedis(), testRedis()];
  afterAll(async () => {
    for (const c of connections) c.disconnect();
  });

  it('keeps three independent clients together under the shared rate', async () => {
    const key = uniqueKey('ohvat:test:rate');
    const rate = 30;
    const limiters = connections.map((c) => new RedisRateLimiter(c, { rate, key }));
    const starts: number[] = [];
    const perClient = 30;
    const t0 = Date.now();
    await Promise.all(
      limiters.map(async (limiter) => {
        // Each client runs 5 concurrent callers, as a worker with concurrency would.
        await Promise.all(
          Array.from({ length: 5 }, async () => {
            for (let i = 0; i < perClient / 5; i += 1) {
              await limiter.acquire();
              starts.push(Date.now());
            }
          }),
        );
      }),
    );
    const elapsed = Date.now() - t0;
    starts.sort((a, b) => a - b);
    // In any sliding window of one second at most `rate` starts (+1 for timer rounding at the edges).
    let maxInWindow = 0;
    for (let i = 0, j = 0; i < starts.length; i += 1) {
      while (starts[i]! - starts[j]! >= 1000) j += 1;
      maxInWindow = Math.max(maxInWindow, i - j + 1);
    }
    expect(starts).toHaveLength(90);
    expect(maxInWindow).toBeLessThanOrEqual(rate + 1);
    // 90 slots at 30/s: the last starts about 3 s after the first, not much later (pacing, not starvation).
    expect(elapsed).toBeGreaterThanOrEqual(2800);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('never stores the token itself in the key', () => {
    const key = limiterKeyForToken('secret-bot-token-123456');
    expect(key).not.toContain('secret');
    expect(key).toMatch(/^rate:[0-9a-f]{16}$/);
  });
});
