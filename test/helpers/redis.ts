import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { testEnv } from '../../src/config/config.ts';

/** Redis for tests: OHVAT_TEST_REDIS_URL, else the machine's local Redis. Each test uses its own key prefix. */
export const REDIS_URL = testEnv('OHVAT_TEST_REDIS_URL') ?? 'redis://127.0.0.1:6379';

export function testRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
}

export function uniqueKey(prefix: string): string {
  return `${prefix}:${randomBytes(6).toString('hex')}`;
}
