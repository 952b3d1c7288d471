import { z } from 'zod';
import type { BotUpdate, Subscriptions, UpdateLog, UpdateType } from './emulator-updates.ts';
import { hashKey } from './random.ts';
import { type ChannelInfo, postUrl, type World, type WorldPost } from './world.ts';

/**
 * The MAX Bot API subset the product uses, answered from the world. Shapes follow the public documentation
 * (dev.max.ru); errors are `{code, message}`. Base URL of the real API: https://platform-api2.max.ru.
 */

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface BotIdentity {
  userId: number;
  name: string;
  username: string;
}

/** Run-time changes of the bot's membership made through the control API. */
export interface BotOverride {
  status: 'active' | 'removed';
  role: 'admin' | 'member';
}

export interface BotApiContext {
  world: World;
  /** World clock (epoch ms): what «now» is for audiences, posts and views. */
  now: () => number;
  bot: BotIdentity;
  overrides: Map<number, BotOverride>;
  updates: UpdateLog;
  subscriptions: Subscriptions;
}

export function apiError(status: number, code: string, message: string): Reply {
  return { status, body: { code, message } };
}

const ADMIN_PERMISSIONS = [
  'read_all_messages',
  'add_remove_members',
  'add_admins',
  'change_chat_info',
  'pin_message',
  'write',
];

export function botStateOf(ctx: BotApiContext, index: number, now: number): BotOverride {
  return (
    ctx.overrides.get(index) ?? {
      status: ctx.world.botStatusAt(index, now),
      role: ctx.world.params(index).botRole,
    }
  );
}

/** A world channel that exists at `now`, or the 404 reply. */
function findChannel(ctx: BotApiContext, rawId: string | null, now: number): ChannelInfo | Reply {
  if (rawId === null || !/^-?\d{1,19}$/.test(rawId))
    return apiError(400, 'bad.request', 'chat_id: expected an integer');
  const index = ctx.world.indexOfChatId(rawId);
  if (index === undefined || !ctx.world.existsAt(index, now) || ctx.world.params(index).createdAt > now) {
    return apiError(404, 'not.found', `Chat ${rawId} not found`);
  }
  return ctx.world.info(index);
}

function lastEventTime(ctx: BotApiContext, info: ChannelInfo, now: number): number {
  return ctx.world.lastPostAt(info.index, now) ?? info.params.createdAt;
}

export function chatJson(ctx: BotApiContext, info: ChannelInfo, now: number): Record<string, unknown> {
  const state = botStateOf(ctx, info.index, now);
  const chat: Record<string, unknown> = {
    chat_id: info.chatId,
    type: 'channel',
    status: state.status,
    title: info.title,
    icon: info.hasIcon ? { url: `https://i.oneme.ru/i?r=${info.ownerId.toString(36)}` } : null,
    last_event_time: lastEventTime(ctx, info, now),
    participants_count: ctx.world.participantsAt(info.index, now),
    is_public: info.params.isPublic,
    messages_count: ctx.world.messagesCountAt(info.index, now),
  };
  // Optional fields come and go, as in the real API.
  if (info.params.isPublic) chat.link = info.url;
  if (info.description !== null) chat.description = info.description;
  if (state.role === 'admin') chat.owner_id = info.ownerId;
  return chat;
}

function messageJson(
  ctx: BotApiContext,
  info: ChannelInfo,
  post: WorldPost,
  now: number,
): Record<string, unknown> {
  const message: Record<string, unknown> = {
    recipient: { chat_id: info.chatId, chat_type: 'channel' },
    timestamp: post.publishedAt,
    body: { mid: post.mid, seq: post.seq, text: post.text, attachments: [] },
    stat: { views: ctx.world.viewsAt(post, now) },
    url: postUrl(info, post),
  };
  if (post.isRepost) {
    const source = hashKey(ctx.world.seed, post.channel, post.day, post.k) % ctx.world.size;
    message.link = {
      type: 'forward',
      chat_id: ctx.world.chatIdOf(source),
      message: { mid: `mid.f${post.mid.slice(5)}`, seq: post.seq, text: post.text, attachments: [] },
    };
  }
  return message;
}

const intParam = (value: string | null, min: number, max: number): number | undefined | 'invalid' => {
  if (value === null || value === '') return undefined;
  if (!/^-?\d+$/.test(value)) return 'invalid';
  const n = Number(value);
  return n < min || n > max ? 'invalid' : n;
};

const subscriptionBody = z.looseObject({
  url: z.url({ protocol: /^https?$/ }),
  update_types: z.array(z.enum(['bot_added', 'bot_removed'])).optional(),
  secret: z
    .string()
    .regex(/^[A-Za-z0-9_-]{5,256}$/)
    .optional(),
  version: z.string().optional(),
});

async function updates(ctx: BotApiContext, query: URLSearchParams, signal: AbortSignal): Promise<Reply> {
  const limit = intParam(query.get('limit'), 1, 1000) ?? 100;
  const timeout = intParam(query.get('timeout'), 0, 90) ?? 30;
  const marker = intParam(query.get('marker'), 0, Number.MAX_SAFE_INTEGER);
  if (limit === 'invalid' || timeout === 'invalid' || marker === 'invalid') {
    return apiError(400, 'bad.request', 'limit 1..1000, timeout 0..90, marker ≥ 0');
  }
  const types = query.get('types');
  const result = await ctx.updates.poll({
    marker,
    limit,
    timeoutMs: timeout * 1000,
    types: types ? new Set(types.split(',').map((t) => t.trim())) : undefined,
    signal,
  });
  return { status: 200, body: result };
}

/** Answers one authorised Bot API request. */
export async function handleBotApi(
  ctx: BotApiContext,
  method: string,
  url: URL,
  readBody: () => Promise<unknown>,
  signal: AbortSignal,
): Promise<Reply> {
  const now = ctx.now();
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const query = url.searchParams;
  const notAllowed = apiError(405, 'method.not.found', `Method ${method} ${path} is not supported`);

  if (path === '/me') {
    if (method !== 'GET') return notAllowed;
    const { userId, name, username } = ctx.bot;
    return { status: 200, body: { user_id: userId, name, username, is_bot: true, last_activity_time: now } };
  }
  // The chat listing was withdrawn in June 2026: bots learn chat ids from bot_added updates.
  if (path === '/chats') return apiError(405, 'method.not.found', 'GET /chats is no longer available');

  const chatMatch = /^\/chats\/([^/]+)(\/members\/me)?$/.exec(path);
  if (chatMatch) {
    if (method !== 'GET') return notAllowed;
    const found = findChannel(ctx, decodeURIComponent(chatMatch[1]!), now);
    if (!('index' in found)) return found;
    if (!chatMatch[2]) return { status: 200, body: chatJson(ctx, found, now) };
    const state = botStateOf(ctx, found.index, now);
    if (state.status !== 'active')
      return apiError(403, 'chat.denied', 'The bot is not a member of this chat');
    const admin = state.role === 'admin';
    return {
      status: 200,
      body: {
        user_id: ctx.bot.userId,
        name: ctx.bot.name,
        username: ctx.bot.username,
        is_bot: true,
        last_access_time: now,
        is_owner: false,
        is_admin: admin,
        join_time: found.params.createdAt + 3_600_000,
        permissions: admin ? ADMIN_PERMISSIONS : null,
      },
    };
  }

  if (path === '/messages') {
    if (method !== 'GET') return notAllowed;
    const found = findChannel(ctx, query.get('chat_id'), now);
    if (!('index' in found)) return found;
    const count = intParam(query.get('count'), 1, 100) ?? 50;
    const from = intParam(query.get('from'), 0, Number.MAX_SAFE_INTEGER);
    const to = intParam(query.get('to'), 0, Number.MAX_SAFE_INTEGER);
    if (count === 'invalid' || from === 'invalid' || to === 'invalid') {
      return apiError(400, 'bad.request', 'count 1..100; from, to: epoch milliseconds');
    }
    const state = botStateOf(ctx, found.index, now);
    if (state.status !== 'active' || state.role !== 'admin') {
      return apiError(
        403,
        'chat.denied',
        'Reading channel messages requires the bot to be a channel administrator',
      );
    }
    // Emulator's reading of the docs: `from` is the newer bound, `to` the older one; newest first.
    const newer = Math.min(from ?? now, now);
    const older = to ?? 0;
    const posts = ctx.world.messagesAt(found.index, older, newer, count);
    return { status: 200, body: { messages: posts.map((p) => messageJson(ctx, found, p, now)) } };
  }

  if (path === '/updates') {
    if (method !== 'GET') return notAllowed;
    return updates(ctx, query, signal);
  }

  if (path === '/subscriptions') {
    if (method === 'GET') {
      const subscriptions = ctx.subscriptions.list().map(({ secret: _secret, ...s }) => s);
      return { status: 200, body: { subscriptions } };
    }
    if (method === 'POST') {
      const parsed = subscriptionBody.safeParse(await readBody());
      if (!parsed.success)
        return apiError(400, 'bad.request', 'url (http/https) required; secret 5–256 of [A-Za-z0-9_-]');
      const { url: target, update_types, secret, version } = parsed.data;
      ctx.subscriptions.add({
        url: target,
        time: Date.now(),
        update_types: (update_types as UpdateType[] | undefined) ?? null,
        version: version ?? null,
        secret: secret ?? null,
      });
      return { status: 200, body: { success: true } };
    }
    if (method === 'DELETE') {
      const target = query.get('url');
      if (!target) return apiError(400, 'bad.request', 'url is required');
      const removed = ctx.subscriptions.remove(target);
      return {
        status: 200,
        body: removed ? { success: true } : { success: false, message: 'No such subscription' },
      };
    }
    return notAllowed;
  }
  return apiError(404, 'not.found', `Path ${path} not found`);
}

/** Applies a membership change made through the control API and emits its update. */
export function emitMembership(ctx: BotApiContext, index: number, type: UpdateType): BotUpdate {
  const info = ctx.world.info(index);
  const now = ctx.now();
  ctx.overrides.set(
    index,
    type === 'bot_added' ? { status: 'active', role: 'admin' } : { status: 'removed', role: 'member' },
  );
  const update: BotUpdate = {
    update_type: type,
    timestamp: now,
    chat_id: info.chatId,
    user: { user_id: info.ownerId, name: 'Администратор канала' },
    is_channel: true,
  };
  ctx.updates.append(update);
  return update;
}
