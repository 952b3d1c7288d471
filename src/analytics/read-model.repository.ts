import { type Kysely, sql, type Transaction } from 'kysely';
import { insertRows } from '../store/bulk-insert.ts';
import { freshFromSql } from '../store/migrations/2026-11-29T0200_rating_aggregates.ts';
import type { DB, Flag } from '../store/schema.ts';
import { dayFromNumber, dayNumber, moscowDay } from './calendar.ts';
import { applyRegionDeltas, RegionDeltas } from './region-daily.repository.ts';

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
  const deltas = new RegionDeltas();

  for (const [channelId, newDays] of points) {
    const rows = existing.get(channelId) ?? [];
    const old = new Map(rows.map((r) => [r.day, r]));
    // Real (observed) values in the window: existing non-carried rows, overridden by newer observations.
    const real = new Map<number, DailyPoint>();
    for (const r of rows)
      if (r.carried === 0)
        real.set(dayNumber(r.day), { subscribers: r.subscribers, observedAt: r.observed_at });
    let start = Number.POSITIVE_INFINITY;
    for (const [day, p] of newDays) {
      const n = dayNumber(day);
      if (n < start) start = n;
      const current = real.get(n);
      if (!current || p.observedAt >= current.observedAt) real.set(n, p);
    }
    const prev = base.get(channelId);
    // The series' last row before this change (rows are in day order).
    const oldLast = rows.at(-1) ?? prev;
    let end = oldLast ? dayNumber(oldLast.day) : Number.NEGATIVE_INFINITY;
    for (const n of real.keys()) if (n > end) end = n;
    let carry: DailyPoint | undefined = prev
      ? { subscribers: prev.subscribers, observedAt: prev.observed_at }
      : undefined;
    const m = meta.get(channelId);
    const region = m?.region_code ?? null;
    let lastValue = oldLast?.subscribers ?? 0;
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
      if (n === end) lastValue = next.subscribers;
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
      if (region) deltas.row(region, m!.category, n, before, next);
    }
    if (region) {
      // The channel's series may now end on a later day, or with another value on the same day.
      if (oldLast) deltas.ending(region, m!.category, dayNumber(oldLast.day), -1, oldLast.subscribers);
      deltas.ending(region, m!.category, end, 1, lastValue);
    }
  }

  await insertRows(db, 'channel_daily', upserts, (chunk) =>
    db
      .insertInto('channel_daily')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['channel_id', 'day']).doUpdateSet((eb) => ({
          subscribers: eb.ref('excluded.subscribers'),
          carried: eb.ref('excluded.carried'),
          observed_at: eb.ref('excluded.observed_at'),
        })),
      ),
  );
  await applyRegionDeltas(db, deltas.values());
}

/**
 * Recomputes region_daily from channel_daily (for checks: tests compare it with the incremental upkeep). A
 * channel that changes region or category, or is deleted, is moved by database triggers (migration
 * 2026-11-29T0200_rating_aggregates).
 */
export async function rebuildRegionDaily(db: Db): Promise<void> {
  const fresh = freshFromSql(db, 'd.day');
  await db.deleteFrom('region_daily').execute();
  await sql`
    insert into region_daily (region_code, category, day, channels, subscribers, fresh, fresh_subscribers,
      ending, ending_subscribers, max_observed_at)
    select c.region_code, c.category, d.day, count(*), sum(d.subscribers),
      sum(case when d.observed_at >= ${sql.raw(fresh)} then 1 else 0 end),
      sum(case when d.observed_at >= ${sql.raw(fresh)} then d.subscribers else 0 end),
      sum(case when d.day = l.last then 1 else 0 end), sum(case when d.day = l.last then d.subscribers else 0 end),
      max(d.observed_at)
    from channel_daily d join channels c on c.id = d.channel_id
      join (select channel_id, max(day) as last from channel_daily group by channel_id) l on l.channel_id = d.channel_id
    where c.region_code is not null
    group by c.region_code, c.category, d.day`.execute(db);
}
