import type { AppContext } from '../shared/app-context.ts';
import { EmbeddedScheduler } from './collection.service.ts';
import { MaxApiClient } from './max/max-api.client.ts';
import { classifyCollectError, createMaxSource } from './max-source.ts';
import { TokenBucketLimiter } from './rate-limiter.ts';
import { UpdatesPoller } from './updates.service.ts';

/**
 * Embedded mode: the scheduler and the updates long poll run inside `ohvat serve`. With Redis configured
 * the server leaves collection to `ohvat scheduler` + `ohvat worker` processes instead.
 */
export function startEmbeddedCollection(
  ctx: AppContext,
  options: { idleMs?: number } = {},
): { stop(): Promise<void> } {
  const { config, store, logger } = ctx;
  const token = config.max.tokens[0];
  // The updates long poll takes 1 request/s of the first token's budget; collection gets the rest, so the
  // two together never exceed the platform's limit.
  const reserve = token && config.max.requestsPerSecond > 1 ? 1 : 0;
  const source = createMaxSource({
    ...config.max,
    requestsPerSecond: config.max.requestsPerSecond - reserve,
  });
  const scheduler = new EmbeddedScheduler(store.db, source, {
    classify: classifyCollectError,
    logger,
    idleMs: options.idleMs ?? 10_000,
  });
  scheduler.start();
  const poller = token
    ? new UpdatesPoller(
        store.db,
        new MaxApiClient({
          token,
          baseUrl: config.max.apiUrl,
          timeoutMs: config.max.timeoutMs,
          retries: config.max.retries,
          limiter: new TokenBucketLimiter(1),
        }),
        { logger, timeoutSeconds: 30 },
      )
    : undefined;
  poller?.start();
  logger.info({ tokens: config.max.tokens.length }, 'collection running in process');
  return {
    async stop() {
      await Promise.all([scheduler.stop(), poller?.stop()]);
    },
  };
}
