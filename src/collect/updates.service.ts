import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import {
  findChannelByChatId,
  findChannelByNickname,
  insertChannel,
  searchTextOf,
} from '../register/channel.repository.ts';
import { normaliseNickname } from '../register/nickname.ts';
import type { Logger } from '../shared/logger.ts';
import type { DB } from '../store/schema.ts';
import type { MaxApiClient } from './max/max-api.client.ts';
import type { MaxUpdate } from './max/max-api.schemas.ts';

/**
 * How the register learns chat ids since `GET /chats` is gone: `bot_added` / `bot_removed` updates, by long
 * poll (`GET /updates`) or webhook. A channel that adds our bot is linked to its register row by nickname
 * (from the chat's `link`), or appears as a `candidate` for an operator to confirm. The long-poll marker is
 * kept in `app_settings`, so a restart neither misses nor replays updates.
 */

export const UPDATES_MARKER_KEY = 'max.updates.marker';

export interface UpdateOutcome {
  chatId: string;
  action: 'linked' | 'created_candidate' | 'already_known' | 'bot_removed' | 'ignored';
  channelId?: number;
}

export async function handleUpdate(
  db: Kysely<DB>,
  client: MaxApiClient,
  update: MaxUpdate,
): Promise<UpdateOutcome> {
  const chatId = update.chat_id ?? null;
  if (chatId === null) return { chatId: '', action: 'ignored' };
  if (update.update_type === 'bot_removed') {
    const channel = await findChannelByChatId(db, 'max', chatId);
    if (channel) {
      await db
        .updateTable('channel_state')
        .set({
          bot_admin: 0,
          last_error_kind: 'bot_removed',
          last_error: 'the bot was removed from the channel',
        })
        .where('channel_id', '=', channel.id)
        .execute();
    }
    return { chatId, action: 'bot_removed', ...(channel ? { channelId: channel.id } : {}) };
  }
  if (update.update_type !== 'bot_added') return { chatId, action: 'ignored' };
  const known = await findChannelByChatId(db, 'max', chatId);
  if (known) {
    await db
      .updateTable('channel_state')
      .set({ bot_admin: null, next_due_at: 0 })
      .where('channel_id', '=', known.id)
      .execute();
    return { chatId, action: 'already_known', channelId: known.id };
  }
  const chat = await client.getChat(chatId);
  const nick = chat.link ? normaliseNickname(chat.link) : undefined;
  const now = new Date().toISOString();
  if (nick?.ok) {
    const byNick = await findChannelByNickname(db, 'max', nick.nickname);
    if (byNick) {
      await db
        .updateTable('channels')
        .set({ chat_id: chatId, updated_at: now })
        .where('id', '=', byNick.id)
        .execute();
      await db
        .updateTable('channel_state')
        .set({ next_due_at: 0, bot_admin: null })
        .where('channel_id', '=', byNick.id)
        .execute();
      return { chatId, action: 'linked', channelId: byNick.id };
    }
  }
  const created = await insertChannel(db, {
    platform: 'max',
    nickname: nick?.ok ? nick.nickname : null,
    chat_id: chatId,
    url: nick?.ok ? nick.url : (chat.link ?? null),
    title: chat.title ?? null,
    category: 'other',
    status: 'candidate',
    official_confirmed: 0,
    search_text: searchTextOf(chat.title, nick?.ok ? nick.nickname : null),
    created_at: now,
    updated_at: now,
  });
  return { chatId, action: 'created_candidate', channelId: created.id };
}

export async function readSetting(db: Kysely<DB>, key: string): Promise<string | null> {
  const row = await db.selectFrom('app_settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}

export async function writeSetting(db: Kysely<DB>, key: string, value: string): Promise<void> {
  await db
    .insertInto('app_settings')
    .values({ key, value, updated_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: new Date().toISOString() }))
    .execute();
}

/**
 * Long-polls `GET /updates` until stopped; each batch is handled, then the marker is saved. `stop()` aborts
 * the poll in flight, so a shutdown does not wait for MAX's long-poll timeout.
 */
export class UpdatesPoller {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly client: MaxApiClient,
    private readonly options: { logger?: Logger; timeoutSeconds?: number } = {},
  ) {}

  /** One poll: handles what arrived and returns the outcomes. */
  async pollOnce(timeoutSeconds = 0, signal?: AbortSignal): Promise<UpdateOutcome[]> {
    const marker = await readSetting(this.db, UPDATES_MARKER_KEY);
    const { updates, marker: next } = await this.client.getUpdates({
      marker,
      timeout: timeoutSeconds,
      limit: 100,
      types: ['bot_added', 'bot_removed'],
      ...(signal ? { signal } : {}),
    });
    const outcomes: UpdateOutcome[] = [];
    for (const update of updates) {
      try {
        outcomes.push(await handleUpdate(this.db, this.client, update));
      } catch (error) {
        this.options.logger?.warn({ err: error, chatId: update.chat_id }, 'could not handle a MAX update');
      }
    }
    if (next !== null && next !== marker) await writeSetting(this.db, UPDATES_MARKER_KEY, next);
    return outcomes;
  }

  start(): void {
    const { signal } = this.abort;
    this.loop ??= (async () => {
      while (!signal.aborted) {
        try {
          const outcomes = await this.pollOnce(this.options.timeoutSeconds ?? 30, signal);
          const changed = outcomes.filter((o) => o.action === 'linked' || o.action === 'created_candidate');
          if (changed.length)
            this.options.logger?.info({ count: changed.length }, 'channels learned from MAX updates');
        } catch (error) {
          if (signal.aborted) break;
          this.options.logger?.warn({ err: error }, 'MAX updates poll failed');
          await sleep(5000, undefined, { signal }).catch(() => undefined);
        }
      }
    })();
  }

  /** Stops polling: the poll in flight is aborted and the loop has ended when this resolves. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }
}
