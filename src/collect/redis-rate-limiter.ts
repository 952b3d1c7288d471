import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A rate limit shared by every worker on every machine, kept in Redis. It hands out start times spaced
 * 1/rate apart (a virtual scheduling clock, GCRA-style): each `acquire` atomically reserves the next free
 * slot — never earlier than Redis's own clock now — and sleeps until it. So N workers together never start
 * more than `rate` requests in any second, whatever their number, and nobody busy-polls Redis.
 * Redis's clock (TIME) is used, so machines with skewed clocks still agree.
 */

const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local earliest = now - burst * interval
if nxt < earliest then nxt = earliest end
local start = nxt
if start < now then start = now end
redis.call('SET', KEYS[1], tostring(nxt + interval), 'PX', 60000)
return start - now
`;

type RedisWithReserve = Redis & {
  ohvatReserve(key: string, intervalUs: number, burst: number): Promise<number>;
};

export interface SharedRateLimiterOptions {
  /** Requests per second allowed for this key. */
  rate: number;
  /** Key namespace; a bot token is hashed into the key, never stored. */
  key: string;
  /** Extra slots that may start at once after an idle period (0: strictly even pacing). */
  burst?: number;
}

export function limiterKeyForToken(token: string): string {
  return `rate:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}

export class RedisRateLimiter {
  private readonly redis: RedisWithReserve;
  private readonly intervalUs: number;
  private readonly burst: number;

  constructor(
    redis: Redis,
    private readonly options: SharedRateLimiterOptions,
  ) {
    if (!('ohvatReserve' in redis)) redis.defineCommand('ohvatReserve', { numberOfKeys: 1, lua: RESERVE });
    this.redis = redis as RedisWithReserve;
    this.intervalUs = Math.ceil(1_000_000 / options.rate);
    this.burst = options.burst ?? 0;
  }

  /** Waits for this caller's slot. */
  async acquire(): Promise<void> {
    const waitUs = Number(await this.redis.ohvatReserve(this.options.key, this.intervalUs, this.burst));
    if (waitUs > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(waitUs / 1000)));
  }
}
