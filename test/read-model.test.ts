import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { moscowDayOf, rebuildRegionDaily } from '../src/analytics/read-model.repository.ts';
import {
  bucketOf,
  type ObservationInput,
  recordObservations,
} from '../src/collect/observation.repository.ts';
import { insertChannel, searchTextOf } from '../src/register/channel.repository.ts';
import type { DB } from '../src/store/schema.ts';
import { describeEachDialect } from './helpers/stores.ts';

const T0 = Date.parse('2026-03-01T12:00:00+03:00');
const DAY = 86_400_000;

async function addChannel(db: Kysely<DB>, nickname: string, region: string, category = 'school') {
  const now = new Date().toISOString();
  return insertChannel(db, {
    platform: 'max',
    nickname,
    category,
    region_code: region,
    status: 'active',
    official_confirmed: 0,
    search_text: searchTextOf(nickname),
    created_at: now,
    updated_at: now,
  });
}

async function daily(db: Kysely<DB>, channelId: number) {
  return db
    .selectFrom('channel_daily')
    .select(['day', 'subscribers', 'carried'])
    .where('channel_id', '=', channelId)
    .orderBy('day')
    .execute();
}

async function regionDaily(db: Kysely<DB>) {
  return db
    .selectFrom('region_daily')
    .select([
      'region_code',
      'category',
      'day',
      'channels',
      'subscribers',
      'fresh',
      'fresh_subscribers',
      'ending',
      'ending_subscribers',
      'max_observed_at',
    ])
    .where('channels', '!=', 0)
    .orderBy('region_code')
    .orderBy('category')
    .orderBy('day')
    .execute();
}

describeEachDialect('daily read model', (store) => {
  it('keeps the end-of-day value, fills gaps as carried, and is idempotent', async () => {
    const { db } = store();
    const a = await addChannel(db, 'a_gos', 'RU-BA');
    const obs = (dayOffset: number, hour: number, subscribers: number): ObservationInput => ({
      channel_id: a.id,
      source: 'bot_api',
      observed_at: T0 + dayOffset * DAY + hour * 3_600_000,
      subscribers,
    });
    expect((await recordObservations(db, [obs(0, 0, 100), obs(0, 5, 110)])).inserted).toBe(2);
    // Same bucket again: nothing stored twice.
    expect((await recordObservations(db, [obs(0, 5, 110)])).inserted).toBe(0);
    await recordObservations(db, [obs(3, 0, 140)]);
    expect(await daily(db, a.id)).toEqual([
      { day: '2026-03-01', subscribers: 110, carried: 0 },
      { day: '2026-03-02', subscribers: 110, carried: 1 },
      { day: '2026-03-03', subscribers: 110, carried: 1 },
      { day: '2026-03-04', subscribers: 140, carried: 0 },
    ]);
    // A late observation for a carried day replaces it and carries forward until the next real day.
    await recordObservations(db, [obs(1, 0, 120)]);
    expect((await daily(db, a.id)).map((r) => [r.subscribers, r.carried])).toEqual([
      [110, 0],
      [120, 0],
      [120, 1],
      [140, 0],
    ]);
    expect(moscowDayOf(Date.parse('2026-03-01T21:30:00Z'))).toBe('2026-03-02');
    expect(bucketOf(T0 + 5 * 60_000)).toBe(Math.floor(T0 / 3_600_000) * 3_600_000);
  });

  it('keeps region_daily equal to a full recomputation under shuffled batches', async () => {
    const { db } = store();
    const channels = [
      await addChannel(db, 'c1_gos', 'RU-BA', 'school'),
      await addChannel(db, 'c2_gos', 'RU-BA', 'school'),
      await addChannel(db, 'c3_gos', 'RU-BA', 'healthcare'),
      await addChannel(db, 'c4_gos', 'RU-MOW', 'school'),
    ];
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const all: ObservationInput[] = [];
    for (const c of channels) {
      let value = 100 + Math.floor(rnd() * 1000);
      for (let d = 0; d < 20; d += 1) {
        if (rnd() < 0.3) continue; // gaps
        value += Math.floor(rnd() * 50) - 10;
        all.push({
          channel_id: c.id,
          source: 'bot_api',
          observed_at: T0 + d * DAY + Math.floor(rnd() * 10) * 3_600_000,
          subscribers: value,
        });
      }
    }
    const shuffled = [...all].sort(() => rnd() - 0.5);
    for (let i = 0; i < shuffled.length; i += 7) await recordObservations(db, shuffled.slice(i, i + 7));
    const incremental = await regionDaily(db);
    await rebuildRegionDaily(db);
    expect(incremental).toEqual(await regionDaily(db));
    // Each channel's last real value equals its latest observation.
    for (const c of channels) {
      const mine = all.filter((o) => o.channel_id === c.id).sort((x, y) => x.observed_at - y.observed_at);
      const rows = await daily(db, c.id);
      expect(rows.at(-1)?.subscribers).toBe(mine.at(-1)?.subscribers);
      expect(rows.at(-1)?.carried).toBe(0);
    }
    expect(incremental.length).toBeGreaterThan(20);
    // Database triggers move a channel's rows when it changes region or category, and drop them on delete.
    await db
      .updateTable('channels')
      .set({ region_code: 'RU-MOW' })
      .where('id', '=', channels[0]!.id)
      .execute();
    await db.updateTable('channels').set({ category: 'culture' }).where('id', '=', channels[2]!.id).execute();
    await db.deleteFrom('channels').where('id', '=', channels[1]!.id).execute();
    const moved = await regionDaily(db);
    await rebuildRegionDaily(db);
    expect(moved).toEqual(await regionDaily(db));
  });
});
