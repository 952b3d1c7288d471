import type { Kysely } from 'kysely';
import { postUrl, type World } from '../emulator/world.ts';
import { searchTextOf } from '../register/channel.repository.ts';
import type { Logger } from '../shared/logger.ts';
import { chunkForInsert } from '../store/dialect.ts';
import type { DB, NewChannel } from '../store/schema.ts';
import { ensureChannelStates, saveStatesInTransaction } from './channel-state.repository.ts';
import {
  type ObservationInput,
  type PostInput,
  recordObservations,
  writePosts,
} from './observation.repository.ts';
import { readSetting, writeSetting } from './updates.service.ts';

/**
 * The demo's data: the emulator's world loaded into the register (as a ЦУР would import it), and its past
 * audience backfilled day by day from the world's own figures, stored with source `demo_history` so it is
 * never mistaken for collected data. Every tenth channel is registered by nickname only: the collector reads
 * its public page until a `bot_added` update links its chat id. Channels whose bot is an administrator also get
 * their posts of the last POST_HISTORY_DAYS days (at most the history's days) with views as daily post reads see
 * them, at about 24 h and 7 days of age: a first live read brings 29 days of posts, but with their views as they
 * are at that moment (so no 24-hour or 7-day figures for older posts), and only once the cycle reaches the
 * channel.
 */

export const DEMO_SEEDED_KEY = 'demo.seeded';
/** Every tenth world channel is registered by nickname only (no chat id until `bot_added`). */
const byNicknameOnly = (index: number) => index % 10 === 9;
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Days of past posts loaded (more than the 28 days activity is counted over, and the 7-day view age). */
export const POST_HISTORY_DAYS = 35;

export async function seedDemo(
  db: Kysely<DB>,
  world: World,
  options: { historyDays: number; now?: number; logger?: Logger },
): Promise<{ channels: number; observations: number; posts: number } | null> {
  if ((await readSetting(db, DEMO_SEEDED_KEY)) !== null) return null;
  const existing = await db
    .selectFrom('channels')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(existing.n) > 0) return null;
  const now = options.now ?? Date.now();
  const stamp = new Date(now).toISOString();
  const rows: NewChannel[] = [];
  for (let i = 0; i < world.size; i += 1) {
    if (!world.existsAt(i, now)) continue;
    const r = world.registerRow(i);
    rows.push({
      platform: 'max',
      nickname: r.nickname,
      chat_id: byNicknameOnly(i) ? null : r.chat_id,
      url: r.url,
      title: r.title,
      category: r.category,
      level: r.level,
      region_code: r.region_code,
      municipality: r.municipality,
      page_class: r.page_class,
      status: 'active',
      official_confirmed: i % 7 === 0 ? 0 : 1,
      search_text: searchTextOf(r.title, r.nickname, r.municipality),
      created_at: stamp,
      updated_at: stamp,
    });
  }
  await db.transaction().execute(async (trx) => {
    for (const chunk of chunkForInsert(trx, rows)) await trx.insertInto('channels').values(chunk).execute();
  });
  const ids = new Map(
    (await db.selectFrom('channels').select(['id', 'nickname']).execute()).map((c) => [
      c.nickname ?? '',
      c.id,
    ]),
  );
  // History: the value at the end of each past Moscow day (23:00 Moscow time), for channels that existed.
  let observations = 0;
  const today = Math.floor((now + 3 * 3_600_000) / DAY) * DAY - 3 * 3_600_000;
  const batch: ObservationInput[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    observations += (await recordObservations(db, batch.splice(0))).inserted;
  };
  for (let i = 0; i < world.size; i += 1) {
    const id = ids.get(world.nicknameOf(i));
    if (id === undefined) continue;
    for (let d = options.historyDays; d >= 1; d -= 1) {
      const at = today - d * DAY + 23 * 3_600_000;
      if (!world.existsAt(i, at)) continue;
      batch.push({
        channel_id: id,
        source: 'demo_history',
        observed_at: at,
        subscribers: world.participantsAt(i, at),
      });
    }
    if (batch.length >= 5000) {
      await flush();
      options.logger?.info({ channels: i + 1, of: world.size }, 'demo history');
    }
  }
  await flush();
  const postDays = Math.min(options.historyDays, POST_HISTORY_DAYS);
  const posts = postDays > 0 ? await seedPosts(db, world, ids, { now, days: postDays }, options.logger) : 0;
  await writeSetting(db, DEMO_SEEDED_KEY, stamp);
  return { channels: rows.length, observations, posts };
}

/** Past posts and their views of the channels whose bot is an administrator (see the module comment). */
async function seedPosts(
  db: Kysely<DB>,
  world: World,
  ids: Map<string, number>,
  { now, days }: { now: number; days: number },
  logger?: Logger,
): Promise<number> {
  await ensureChannelStates(db);
  let written = 0;
  const channels: number[] = [];
  const early: PostInput[] = [];
  const late: PostInput[] = [];
  const flush = async () => {
    if (channels.length === 0) return;
    await db.transaction().execute(async (trx) => {
      // The state first: posts count towards activity once the channel's posting is known.
      await saveStatesInTransaction(
        trx,
        channels.map((channel_id) => ({ channel_id, bot_admin: 1, posts_checked_at: now })),
      );
      await writePosts(trx, early);
      await writePosts(trx, late);
    });
    written += early.length;
    channels.length = 0;
    early.length = 0;
    late.length = 0;
  };
  for (let i = 0; i < world.size; i += 1) {
    const info = world.info(i);
    const id = ids.get(info.nickname);
    // Nickname-only rows have no chat id yet, so no post reads either.
    if (id === undefined || byNicknameOnly(i)) continue;
    if (info.params.botRole !== 'admin' || world.botStatusAt(i, now) !== 'active' || !world.existsAt(i, now))
      continue;
    channels.push(id);
    for (const post of world.messagesAt(i, now - days * DAY, now)) {
      const base = {
        channel_id: id,
        post_id: post.mid,
        published_at: post.publishedAt,
        is_repost: post.isRepost,
        url: postUrl(info, post),
        text_length: post.text.length,
      };
      // Read once a day: the first read past 24 h of age, and the one past 7 days.
      const at24 = post.publishedAt + 30 * HOUR;
      const at7d = post.publishedAt + 7 * DAY + 6 * HOUR;
      early.push({
        ...base,
        observed_at: Math.min(at24, now),
        views: world.viewsAt(post, Math.min(at24, now)),
      });
      if (at7d <= now) late.push({ ...base, observed_at: at7d, views: world.viewsAt(post, at7d) });
    }
    if (early.length >= 5000) {
      await flush();
      logger?.info({ channels: i + 1, of: world.size }, 'demo posts');
    }
  }
  await flush();
  return written;
}
