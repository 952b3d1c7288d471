import type { ChannelStatePatch, DueChannel } from './channel-state.repository.ts';
import type { ObservationInput } from './observation.repository.ts';
import { nextDueAt, postsDue, type SchedulePolicy } from './schedule.policy.ts';

/**
 * Collects one channel: the Bot API when we know its chat id (participants, profile, and — where our bot is
 * an administrator — the recent posts with their views), else its public page. Returns what to store; the
 * caller writes results in batches. No database access here, so the same code serves the in-process
 * scheduler and the BullMQ workers.
 */

export interface ChatInfo {
  participants: number | null;
  messagesCount: number | null;
  status: string | null;
  title: string | null;
  description: string | null;
  iconUrl: string | null;
  isPublic: boolean | null;
  link: string | null;
  lastEventTime: number | null;
}

export interface PostInfo {
  postId: string;
  publishedAt: number;
  views: number | null;
  isRepost: boolean;
  url: string | null;
  textLength: number | null;
}

/** What the collector needs from MAX (implemented over the Bot API client and the public page reader). */
export interface MaxSource {
  hasBotApi: boolean;
  getChat(chatId: string): Promise<ChatInfo>;
  isBotAdmin(chatId: string): Promise<boolean>;
  recentPosts(chatId: string, since: number): Promise<PostInfo[]>;
  readPublicPage(
    nickname: string,
  ): Promise<{ ok: true; participants: number } | { ok: false; reason: string }>;
}

export interface ClassifiedError {
  kind: string;
  message: string;
  /** A definitive answer (not found, removed, forbidden) rather than a transient fault. */
  permanent: boolean;
}

export interface ChannelResult {
  channelId: number;
  ok: boolean;
  /** Bot API requests (the token's rate limit). */
  requests: number;
  /** Public page reads (their own, polite limit). */
  pageRequests: number;
  observation?: ObservationInput;
  posts: (PostInfo & { channelId: number; observedAt: number })[];
  state: ChannelStatePatch;
  error?: ClassifiedError;
}

export interface CollectOptions {
  now: () => number;
  policy: SchedulePolicy;
  classify: (error: unknown) => ClassifiedError;
  /** Read posts (views) when due; false for an audience-only cycle. Default true. */
  readPosts?: boolean;
  /** How far back posts are read on each refresh (7-day views need posts up to 8 days old). */
  postsWindowMs?: number;
}

const DAY_MS = 86_400_000;
const EIGHT_DAYS = 8 * DAY_MS;
/**
 * How far back a channel's first posts read goes, and the most a read after a gap goes: posting activity is
 * counted over the 28 days up to the rating day, so a channel whose posts were read only from the last 8 days
 * would look inactive for its first weeks.
 */
export const FIRST_POSTS_WINDOW_MS = 29 * DAY_MS;

/**
 * Where a posts read starts: the refresh window back from now; on the first read FIRST_POSTS_WINDOW_MS back;
 * after a gap (the last read older than the window: the bot was away, collection stopped) from a day before
 * the last read, at most FIRST_POSTS_WINDOW_MS back.
 */
export function postsReadSince(now: number, lastRead: number | null, windowMs = EIGHT_DAYS): number {
  const regular = now - windowMs;
  const earliest = now - Math.max(windowMs, FIRST_POSTS_WINDOW_MS);
  if (lastRead === null) return earliest;
  return Math.max(earliest, Math.min(regular, lastRead - DAY_MS));
}

export async function collectChannel(
  source: MaxSource,
  channel: DueChannel,
  options: CollectOptions,
): Promise<ChannelResult> {
  const started = options.now();
  const result: ChannelResult = {
    channelId: channel.id,
    ok: false,
    requests: 0,
    pageRequests: 0,
    posts: [],
    state: { channel_id: channel.id, last_attempt_at: started },
  };
  const failed = (error: ClassifiedError): ChannelResult => {
    const failures = channel.consecutive_failures + 1;
    result.error = error;
    Object.assign(result.state, {
      last_error_kind: error.kind,
      last_error: error.message.slice(0, 500),
      consecutive_failures: failures,
      next_due_at: nextDueAt(channel, { ok: false, consecutiveFailures: failures }, started, options.policy),
    });
    return result;
  };
  const succeeded = (method: string): ChannelResult => {
    result.ok = true;
    Object.assign(result.state, {
      last_success_at: options.now(),
      last_method: method,
      last_error_kind: null,
      last_error: null,
      consecutive_failures: 0,
      next_due_at: nextDueAt(channel, { ok: true, consecutiveFailures: 0 }, started, options.policy),
    });
    return result;
  };

  if (channel.chat_id !== null && source.hasBotApi) {
    let chat: ChatInfo;
    try {
      result.requests += 1;
      chat = await source.getChat(channel.chat_id);
    } catch (error) {
      return failed(options.classify(error));
    }
    const observedAt = options.now();
    Object.assign(result.state, {
      profile_title: chat.title,
      profile_description: chat.description,
      profile_icon_url: chat.iconUrl,
      profile_is_public: chat.isPublic === null ? null : chat.isPublic ? 1 : 0,
      profile_link: chat.link,
      profile_messages_count: chat.messagesCount,
      profile_last_event_time: chat.lastEventTime,
      profile_checked_at: observedAt,
    });
    if (chat.status !== null && chat.status !== 'active') {
      return failed({
        kind: `chat_${chat.status}`,
        message: `chat status is ${chat.status}`,
        permanent: true,
      });
    }
    if (chat.participants === null) {
      return failed({ kind: 'malformed', message: 'participants_count missing', permanent: false });
    }
    result.observation = {
      channel_id: channel.id,
      source: 'bot_api',
      observed_at: observedAt,
      subscribers: chat.participants,
      messages_count: chat.messagesCount,
    };
    result.state.last_subscribers = chat.participants;
    if (
      options.readPosts !== false &&
      postsDue(channel.posts_checked_at, observedAt, options.policy) &&
      channel.bot_admin !== 0
    ) {
      try {
        let admin = channel.bot_admin === 1;
        if (channel.bot_admin === null) {
          result.requests += 1;
          admin = await source.isBotAdmin(channel.chat_id);
          result.state.bot_admin = admin ? 1 : 0;
        }
        if (admin) {
          const before = result.requests;
          const posts = await source.recentPosts(
            channel.chat_id,
            postsReadSince(observedAt, channel.posts_checked_at, options.postsWindowMs),
          );
          result.requests = before + Math.max(1, Math.ceil(posts.length / 100));
          const seenAt = options.now();
          result.posts = posts.map((p) => ({ ...p, channelId: channel.id, observedAt: seenAt }));
          result.state.posts_checked_at = seenAt;
          result.state.bot_admin = 1;
        }
      } catch (error) {
        // The audience figure is already in hand; a failed post read is recorded but does not fail the channel.
        const classified = options.classify(error);
        if (classified.kind === 'forbidden') result.state.bot_admin = 0;
        result.error = classified;
      }
    }
    return succeeded('bot_api');
  }

  if (channel.nickname !== null) {
    result.pageRequests += 1;
    let page: Awaited<ReturnType<MaxSource['readPublicPage']>>;
    try {
      page = await source.readPublicPage(channel.nickname);
    } catch (error) {
      return failed(options.classify(error));
    }
    if (!page.ok) {
      // Keep the last good value (already stored) and say why this read failed.
      result.state.page_failure = page.reason;
      return failed({
        kind: `page_${page.reason}`,
        message: `public page: ${page.reason}`,
        permanent: page.reason === 'not_found',
      });
    }
    const observedAt = options.now();
    result.observation = {
      channel_id: channel.id,
      source: 'public_page',
      observed_at: observedAt,
      subscribers: page.participants,
    };
    Object.assign(result.state, {
      last_subscribers: page.participants,
      page_last_good: page.participants,
      page_last_good_at: observedAt,
      page_failure: null,
    });
    return succeeded('public_page');
  }

  return failed({ kind: 'no_address', message: 'neither chat id nor nickname', permanent: true });
}
