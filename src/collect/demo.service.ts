import type { Kysely } from 'kysely';
import type { World } from '../emulator/world.ts';
import { searchTextOf } from '../register/channel.repository.ts';
import type { Logger } from '../shared/logger.ts';
import { chunkForInsert } from '../store/dialect.ts';
import type { DB, NewChannel } from '../store/schema.ts';
import { type ObservationInput, recordObservations } from './observation.repository.ts';
import { readSetting, writeSetting } from './updates.service.ts';

/**
 * The demo's data: the emulator's world loaded into the register (as a ЦУР would import it), and its past
 * audience backfilled day by day from the world's own figures, stored with source `demo_history` so it is
 * never mistaken for collected data. Every tenth channel is registered by nickname only: the collector reads
 * its public page until a `bot_added` update links its chat id.
 */

export const DEMO_SEEDED_KEY = 'demo.seeded';
const DAY = 86_400_000;

export async function seedDemo(
  db: Kysely<DB>,
  world: World,
  options: { historyDays: number; now?: number; logger?: Logger },
): Promise<{ channels: number; observations: number } | null> {
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
      chat_id: i % 10 === 9 ? null : r.chat_id,
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
  await writeSetting(db, DEMO_SEEDED_KEY, stamp);
  return { channels: rows.length, observations };
}
