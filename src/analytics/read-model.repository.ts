import { type Kysely, sql, type Transaction } from 'kysely';
import { chunkForInsert } from '../store/dialect.ts';
import type { DB, Flag } from '../store/schema.ts';
import { dayFromNumber, dayNumber, moscowDay } from './calendar.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Upkeep of the daily read model. `channel_daily` holds, per channel and Moscow calendar day, the value at
 * the end of the day (the last observation of that day); days between two observed days are filled with the
 * previous value and marked `carried = 1`. `region_daily` is the sum of `channel_daily` per region, category
 * and day, kept by applying the differences of every `channel_daily` change, so that it always equals what a
 * full GROUP BY would give (`rebuildRegionDaily` recomputes it from scratch; tests compare the two).
 */

/** Moscow calendar day (UTC+3, no DST since 2014) of an instant. */
export const moscowDayOf = moscowDay;

export interface DailyPoint {
  subscribers: number;
  observedAt: number;
}

interface DailyRow {
  day: string;
  subscribers: number;
  carried: Flag;
  observed_at: number;
}

/**
 * Applies new end-of-day candidates to the channels' daily series. `points` maps channel id → (day → latest
 * observation of that day among the new ones). Must run inside the same transaction as the observation insert.
 */
export async function applyDailyPoints(db: Db, points: Map<number, Map<string, DailyPoint>>): Promise<void> {
  if (points.size === 0) return;
  const channelIds = [...points.keys()];
  let globalMin = Number.POSITIVE_INFINITY;
  for (const days of points.values())
    for (const day of days.keys()) globalMin = Math.min(globalMin, dayNumber(day));
  const fromDay = dayFromNumber(globalMin);

  const existing = new Map<number, DailyRow[]>();
  const base = new Map<number, DailyRow>();
  const meta = new Map<number, { region_code: string | null; category: string }>();
  for (let i = 0; i < channelIds.length; i += 1000) {
    const ids = channelIds.slice(i, i + 1000);
    const [rows, channels] = await Promise.all([
      db
        .selectFrom('channel_daily')
        .select(['channel_id', 'day', 'subscribers', 'carried', 'observed_at'])
        .where('channel_id', 'in', ids)
        .where('day', '>=', fromDay)
        .orderBy('channel_id')
        .orderBy('day')
        .execute(),
      // Each channel with its last daily row before the window: one index seek per channel (a GROUP BY max
      // over the IN list would read every earlier row of every channel).
      db
        .selectFrom('channels as c')
        .leftJoin('channel_daily as d', (join) =>
          join
            .onRef('d.channel_id', '=', 'c.id')
            .on(
              sql<boolean>`d.day = (select max(x.day) from channel_daily x where x.channel_id = c.id and x.day < ${fromDay})`,
            ),
        )
        .select([
          'c.id',
          'c.region_code',
          'c.category',
          'd.day',
          'd.subscribers',
          'd.carried',
          'd.observed_at',
        ])
        .where('c.id', 'in', ids)
        .execute(),
    ]);
    for (const row of rows) {
      const list = existing.get(row.channel_id) ?? [];
      list.push(row);
      existing.set(row.channel_id, list);
    }
    for (const c of channels) {
      meta.set(c.id, { region_code: c.region_code, category: c.category });
      if (c.day !== null && c.subscribers !== null && c.carried !== null && c.observed_at !== null) {
        base.set(c.id, {
          day: c.day,
          subscribers: c.subscribers,
          carried: c.carried,
          observed_at: c.observed_at,
        });
      }
    }
  }

  const upserts: (DailyRow & { channel_id: number })[] = [];
  const regionDelta = new Map<
    string,
    { region_code: string; category: string; day: string; channels: number; subscribers: number }
  >();
  const addDelta = (channelId: number, day: string, channels: number, subscribers: number) => {
    const m = meta.get(channelId);
    if (!m?.region_code || (channels === 0 && subscribers === 0)) return;
    const key = `${m.region_code}|${m.category}|${day}`;
    const d = regionDelta.get(key) ?? {
      region_code: m.region_code,
      category: m.category,
      day,
      channels: 0,
      subscribers: 0,
    };
    d.channels += channels;
    d.subscribers += subscribers;
    regionDelta.set(key, d);
  };

  for (const [channelId, newDays] of points) {
    const old = new Map((existing.get(channelId) ?? []).map((r) => [r.day, r]));
    // Real (observed) values in the window: existing non-carried rows, overridden by newer observations.
    const real = new Map<number, DailyPoint>();
    for (const r of old.values())
      if (r.carried === 0)
        real.set(dayNumber(r.day), { subscribers: r.subscribers, observedAt: r.observed_at });
    for (const [day, p] of newDays) {
      const n = dayNumber(day);
      const current = real.get(n);
      if (!current || p.observedAt >= current.observedAt) real.set(n, p);
    }
    const oldDays = [...old.keys()].map(dayNumber);
    const start = Math.min(...[...newDays.keys()].map(dayNumber));
    const end = Math.max(...real.keys(), ...oldDays);
    const prev = base.get(channelId);
    let carry: DailyPoint | undefined = prev
      ? { subscribers: prev.subscribers, observedAt: prev.observed_at }
      : undefined;
    // Fill from the day after the base row (or the first real day) to the end of the window.
    const first = prev ? Math.min(dayNumber(prev.day) + 1, start) : start;
    for (let n = first; n <= end; n += 1) {
      const day = dayFromNumber(n);
      const r = real.get(n);
      const next: DailyRow | undefined = r
        ? { day, subscribers: r.subscribers, carried: 0, observed_at: r.observedAt }
        : carry
          ? { day, subscribers: carry.subscribers, carried: 1, observed_at: carry.observedAt }
          : undefined;
      if (r) carry = r;
      if (!next) continue;
      const before = old.get(day);
      if (
        before &&
        before.subscribers === next.subscribers &&
        before.carried === next.carried &&
        before.observed_at === next.observed_at
      ) {
        continue;
      }
      upserts.push({ channel_id: channelId, ...next });
      addDelta(channelId, day, before ? 0 : 1, next.subscribers - (before?.subscribers ?? 0));
    }
  }

  for (const chunk of chunkForInsert(db, upserts)) {
    await db
      .insertInto('channel_daily')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['channel_id', 'day']).doUpdateSet((eb) => ({
          subscribers: eb.ref('excluded.subscribers'),
          carried: eb.ref('excluded.carried'),
          observed_at: eb.ref('excluded.observed_at'),
        })),
      )
      .execute();
  }
  for (const chunk of chunkForInsert(db, [...regionDelta.values()])) {
    await db
      .insertInto('region_daily')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['region_code', 'category', 'day']).doUpdateSet({
          channels: sql`region_daily.channels + excluded.channels`,
          subscribers: sql`region_daily.subscribers + excluded.subscribers`,
        }),
      )
      .execute();
  }
}

/** Recomputes region_daily from channel_daily (after a channel changes region or category, or for checks). */
export async function rebuildRegionDaily(db: Db): Promise<void> {
  await db.deleteFrom('region_daily').execute();
  await db
    .insertInto('region_daily')
    .columns(['region_code', 'category', 'day', 'channels', 'subscribers'])
    .expression((eb) =>
      eb
        .selectFrom('channel_daily as d')
        .innerJoin('channels as c', 'c.id', 'd.channel_id')
        .where('c.region_code', 'is not', null)
        .select((e) => [
          sql<string>`c.region_code`.as('region_code'),
          'c.category',
          'd.day',
          e.fn.countAll<number>().as('channels'),
          e.fn.sum<number>('d.subscribers').as('subscribers'),
        ])
        .groupBy(['c.region_code', 'c.category', 'd.day']),
    )
    .execute();
}

/** Moves a channel's contribution when its region or category changes in the register. */
export async function moveChannelAggregates(
  db: Db,
  channelId: number,
  from: { region_code: string | null; category: string },
  to: { region_code: string | null; category: string },
): Promise<void> {
  if (from.region_code === to.region_code && from.category === to.category) return;
  const rows = await db
    .selectFrom('channel_daily')
    .select(['day', 'subscribers'])
    .where('channel_id', '=', channelId)
    .execute();
  for (const [target, sign] of [
    [from, -1],
    [to, 1],
  ] as const) {
    if (!target.region_code) continue;
    const values = rows.map((r) => ({
      region_code: target.region_code as string,
      category: target.category,
      day: r.day,
      channels: sign,
      subscribers: sign * r.subscribers,
    }));
    for (const chunk of chunkForInsert(db, values)) {
      await db
        .insertInto('region_daily')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['region_code', 'category', 'day']).doUpdateSet({
            channels: sql`region_daily.channels + excluded.channels`,
            subscribers: sql`region_daily.subscribers + excluded.subscribers`,
          }),
        )
        .execute();
    }
  }
}
