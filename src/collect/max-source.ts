import type { Redis } from 'ioredis';
import type { Config } from '../config/config.ts';
import type { ChatInfo, ClassifiedError, MaxSource, PostInfo } from './channel-collector.ts';
import { MaxApiClient } from './max/max-api.client.ts';
import { MaxApiError } from './max/max-api.errors.ts';
import type { MaxMessage } from './max/max-api.schemas.ts';
import { MaxPageReader } from './max/max-page.reader.ts';
import { type RateLimiter, TokenBucketLimiter } from './rate-limiter.ts';
import { limiterKeyForToken, RedisRateLimiter } from './redis-rate-limiter.ts';

/**
 * Connects the collector to MAX: one Bot API client per configured token (each with its own rate budget —
 * in process, or shared through Redis by every worker when `redis` is given) and the public page reader with
 * its own polite limit. Requests are spread over the tokens round-robin.
 */

export interface SourceStats {
  retries: number;
  rateLimited: number;
}

export interface MaxSourceHandle extends MaxSource {
  stats: SourceStats;
}

export function createMaxSource(
  max: Config['max'],
  options: { redis?: Redis; redisPrefix?: string } = {},
): MaxSourceHandle {
  const stats: SourceStats = { retries: 0, rateLimited: 0 };
  const prefix = options.redisPrefix ?? 'ohvat';
  const limiterFor = (key: string, rate: number): RateLimiter =>
    options.redis
      ? new RedisRateLimiter(options.redis, { key: `${prefix}:${key}`, rate })
      : new TokenBucketLimiter(rate);
  const clients = max.tokens.map(
    (token) =>
      new MaxApiClient({
        token,
        baseUrl: max.apiUrl,
        timeoutMs: max.timeoutMs,
        retries: max.retries,
        limiter: limiterFor(limiterKeyForToken(token), max.requestsPerSecond),
        onRetry: ({ error }) => {
          stats.retries += 1;
          if (error.kind === 'rate_limited') stats.rateLimited += 1;
        },
      }),
  );
  const pages = new MaxPageReader({
    baseUrl: max.publicPageUrl,
    timeoutMs: max.timeoutMs,
    retries: max.retries,
    limiter: limiterFor('rate:public-pages', max.pageRequestsPerSecond),
  });
  let next = 0;
  const client = (): MaxApiClient => {
    const c = clients[next % clients.length]!;
    next += 1;
    return c;
  };

  return {
    stats,
    hasBotApi: clients.length > 0,
    async getChat(chatId: string): Promise<ChatInfo> {
      const chat = await client().getChat(chatId);
      return {
        participants: chat.participants_count ?? null,
        messagesCount: chat.messages_count ?? null,
        status: chat.status ?? null,
        title: chat.title ?? null,
        description: chat.description ?? null,
        iconUrl: chat.icon?.url ?? null,
        isPublic: chat.is_public ?? null,
        link: chat.link ?? null,
        lastEventTime: chat.last_event_time ?? null,
      };
    },
    async isBotAdmin(chatId: string): Promise<boolean> {
      const me = await client().getMyMembership(chatId);
      return me.is_admin === true || me.is_owner === true;
    },
    async recentPosts(chatId: string, since: number): Promise<PostInfo[]> {
      const posts: PostInfo[] = [];
      for await (const message of client().iterateMessages(chatId, since)) posts.push(postOf(message));
      return posts;
    },
    async readPublicPage(nickname: string) {
      const result = await pages.read(nickname);
      return result.ok
        ? { ok: true as const, participants: result.participants }
        : { ok: false as const, reason: result.reason };
    },
  };
}

function postOf(message: MaxMessage): PostInfo {
  return {
    postId: message.body.mid,
    publishedAt: message.timestamp,
    views: message.stat?.views ?? null,
    isRepost: message.link?.type === 'forward',
    url: message.url ?? null,
    textLength: message.body.text?.length ?? null,
  };
}

/** Error kinds as recorded in collection runs and channel states. Messages carry no token (see MaxApiError). */
export function classifyCollectError(error: unknown): ClassifiedError {
  if (error instanceof MaxApiError)
    return { kind: error.kind, message: error.message, permanent: error.permanent };
  return {
    kind: 'internal',
    message: error instanceof Error ? error.message : String(error),
    permanent: false,
  };
}
