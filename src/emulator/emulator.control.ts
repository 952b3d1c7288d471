import { z } from 'zod';
import { apiError, type BotApiContext, botStateOf, type Reply } from './bot-api.ts';
import { type EmulatorStats, type FaultConfig, faultPatchSchema } from './emulator-state.ts';
import type { BotUpdate } from './emulator-updates.ts';
import type { World } from './world.ts';

/**
 * The emulator's control API under `/_emulator/` (no token, no rate limit, no faults). It exists only in the
 * emulator, never in the product server:
 *   GET  /_emulator/world                  seed, size and history window of the world
 *   GET  /_emulator/register?offset&limit  register rows of the world (for seeding a register over HTTP)
 *   GET  /_emulator/faults                 current fault configuration
 *   POST /_emulator/faults                 {error5xxRatio, timeoutRatio, malformedJsonRatio, resetRatio,
 *                                          changedMarkupRatio, seed, timeoutHoldMs} (any subset)
 *   GET  /_emulator/stats                  accepted/limited counts per token and per second, totals
 *   POST /_emulator/stats/reset
 *   POST /_emulator/bot-added   {chat_id}  the bot is added as administrator; emits `bot_added`
 *   POST /_emulator/bot-removed {chat_id}  the bot is removed; emits `bot_removed`
 *   GET  /_emulator/truth/:chatId?at=ms    true participants, messages count and state at an instant
 *   GET  /_emulator/anomalies              injected anomalies (spikes and drops)
 */

export interface ControlContext {
  world: World;
  clock: () => number;
  ctx: BotApiContext;
  stats: () => EmulatorStats;
  resetStats: () => void;
  faults: (patch?: Partial<FaultConfig>) => FaultConfig;
  emit: (chatId: number | string, type: 'bot_added' | 'bot_removed') => BotUpdate;
}

const chatBody = z.looseObject({ chat_id: z.union([z.number().int(), z.string().regex(/^-?\d+$/)]) });

function ok(body: unknown): Reply {
  return { status: 200, body };
}

export function truthOf(control: ControlContext, index: number, at: number): Record<string, unknown> {
  const { world } = control;
  const info = world.info(index);
  const state = botStateOf(control.ctx, index, at);
  return {
    chat_id: info.chatId,
    index,
    nickname: info.nickname,
    title: info.title,
    at,
    exists: world.existsAt(index, at) && info.params.createdAt <= at,
    participants: world.participantsAt(index, at),
    messages_count: world.messagesCountAt(index, at),
    is_public: info.params.isPublic,
    bot_status: state.status,
    bot_is_admin: state.role === 'admin',
    created_at: info.params.createdAt,
    deleted_at: info.params.deletedAt,
    bot_removed_at: info.params.botRemovedAt,
    abandoned_at: info.params.abandonedAt,
    posts_per_week:
      info.params.abandonedAt !== null && at >= info.params.abandonedAt ? 0 : info.params.postsPerWeek,
    anomaly: info.params.anomaly,
  };
}

export async function handleControl(
  control: ControlContext,
  method: string,
  url: URL,
  readBody: () => Promise<unknown>,
): Promise<Reply> {
  const path = url.pathname.replace(/\/+$/, '');
  const { world } = control;
  if (path === '/_emulator/world' && method === 'GET') {
    return ok({
      seed: world.seed,
      channels: world.size,
      history_start: world.historyStart,
      history_end: world.historyEnd,
      now: control.clock(),
    });
  }
  if (path === '/_emulator/register' && method === 'GET') {
    const offset = Math.max(0, Number(url.searchParams.get('offset') ?? 0) || 0);
    const limit = Math.min(10_000, Math.max(1, Number(url.searchParams.get('limit') ?? 1000) || 1000));
    const rows = [];
    for (let i = offset; i < Math.min(world.size, offset + limit); i += 1) rows.push(world.registerRow(i));
    return ok({ total: world.size, offset, rows });
  }
  if (path === '/_emulator/faults') {
    if (method === 'GET') return ok(control.faults());
    if (method === 'POST') {
      const parsed = faultPatchSchema.safeParse((await readBody()) ?? {});
      if (!parsed.success) return apiError(400, 'bad.request', z.prettifyError(parsed.error));
      return ok(control.faults(parsed.data));
    }
  }
  if (path === '/_emulator/stats' && method === 'GET') return ok(control.stats());
  if (path === '/_emulator/stats/reset' && method === 'POST') {
    control.resetStats();
    return ok({ success: true });
  }
  if ((path === '/_emulator/bot-added' || path === '/_emulator/bot-removed') && method === 'POST') {
    const parsed = chatBody.safeParse(await readBody());
    if (!parsed.success) return apiError(400, 'bad.request', 'chat_id is required');
    if (world.indexOfChatId(parsed.data.chat_id) === undefined) {
      return apiError(404, 'not.found', `Chat ${parsed.data.chat_id} is not in the emulated world`);
    }
    const update = control.emit(parsed.data.chat_id, path.endsWith('added') ? 'bot_added' : 'bot_removed');
    return ok({ update });
  }
  const truth = /^\/_emulator\/truth\/(-?\d+)$/.exec(path);
  if (truth && method === 'GET') {
    const index = world.indexOfChatId(truth[1]!);
    if (index === undefined)
      return apiError(404, 'not.found', `Chat ${truth[1]} is not in the emulated world`);
    const atParam = url.searchParams.get('at');
    const at = atParam === null ? control.clock() : Number(atParam);
    if (!Number.isFinite(at)) return apiError(400, 'bad.request', 'at: epoch milliseconds');
    return ok(truthOf(control, index, at));
  }
  if (path === '/_emulator/anomalies' && method === 'GET') return ok({ anomalies: world.anomalies() });
  return apiError(404, 'not.found', `No control route ${method} ${path}`);
}
