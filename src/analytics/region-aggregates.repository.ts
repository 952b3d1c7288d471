import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB, RegionChannelsTable } from '../store/schema.ts';
import { addDays, type Day, moscowDayStart } from './calendar.ts';
import { STALE_DAYS } from './daily-values.repository.ts';

/**
 * Reads of the incrementally kept aggregates (a few hundred rows, never one row per channel):
 * `region_channels` (register and channel-state counters, kept by database triggers) and `region_daily`
 * (region × category × day, kept by the read-model upkeep). See region-totals.repository.ts for how they give
 * a region's totals and when the per-channel path is taken instead.
 */

/** One row of `region_channels`. */
export type RegionCounters = Selectable<RegionChannelsTable>;

export async function regionCounters(db: Kysely<DB>, category?: string): Promise<RegionCounters[]> {
  let q = db.selectFrom('region_channels').selectAll();
  if (category) q = q.where('category', '=', category);
  const rows = await q.execute();
  return rows.map((r) => ({
    region_code: r.region_code,
    category: r.category,
    channels: Number(r.channels),
    ...counterValues(r),
  }));
}

type Counter = 'removed' | 'posting' | 'checked' | 'complete' | 'pages_unknown' | 'posting_stale';

/** The counters of a region_channels row or of its sums, as numbers (PostgreSQL returns sums as text). */
function counterValues(r: Record<Counter, number | string | bigint>): Pick<RegionCounters, Counter> {
  return {
    removed: Number(r.removed),
    posting: Number(r.posting),
    checked: Number(r.checked),
    complete: Number(r.complete),
    pages_unknown: Number(r.pages_unknown),
    posting_stale: Number(r.posting_stale),
  };
}

/** Per region, the register counters summed over its categories, and its channels per category. */
export interface RegionCounterSums {
  regions: Map<string, Omit<RegionCounters, 'region_code' | 'category' | 'channels'>>;
  /** Categories with channels (not removed). */
  channels: { region_code: string; category: string; channels: number }[];
}

/**
 * The same counters as `regionCounters()` for every region, read as sums per region plus the channel counts
 * per category: two narrow reads (89 rows of sums, a few hundred of three columns) instead of every column of
 * every group — building result rows is most of the cost of reading a few hundred rows.
 */
export async function regionCounterSums(db: Kysely<DB>): Promise<RegionCounterSums> {
  const [sums, channels] = await Promise.all([
    db
      .selectFrom('region_channels')
      .select((eb) => [
        'region_code',
        eb.fn.sum<number>('removed').as('removed'),
        eb.fn.sum<number>('posting').as('posting'),
        eb.fn.sum<number>('checked').as('checked'),
        eb.fn.sum<number>('complete').as('complete'),
        eb.fn.sum<number>('pages_unknown').as('pages_unknown'),
        eb.fn.sum<number>('posting_stale').as('posting_stale'),
      ])
      .groupBy('region_code')
      .orderBy('region_code')
      .execute(),
    db
      .selectFrom('region_channels')
      .select(['region_code', 'category', 'channels'])
      .where('channels', '>', 0)
      .execute(),
  ]);
  return {
    regions: new Map(sums.map((r) => [r.region_code, counterValues(r)])),
    channels: channels.map((r) => ({ ...r, channels: Number(r.channels) })),
  };
}

/** A region's channels with a value at a day (14-day rule), Σ of those values and the latest observation. */
export interface KnownAt {
  known: number;
  subscribers: number;
  observedUntil: number | null;
}

/**
 * region → channels whose value at `day` is known, from region_daily: rows of the day usable by the 14-day
 * rule (`fresh`) plus channels whose series ended during the 14 days before (`ending`: no row at the day, their
 * last row still holds). `observedUntil` is the latest observation among the groups read: when any value is
 * known it is the latest one used (a channel's daily observed_at never decreases with the day, and rows not
 * usable at the day are older than every usable one).
 */
export async function knownAt(db: Kysely<DB>, day: Day, category?: string): Promise<Map<string, KnownAt>> {
  let atDay = db
    .selectFrom('region_daily')
    .select((eb) => [
      'region_code',
      eb.fn.sum<number>('fresh').as('n'),
      eb.fn.sum<number>('fresh_subscribers').as('s'),
      eb.fn.max('max_observed_at').as('t'),
    ])
    .where('day', '=', day);
  let tails = db
    .selectFrom('region_daily')
    .select((eb) => [
      'region_code',
      eb.fn.sum<number>('ending').as('n'),
      eb.fn.sum<number>('ending_subscribers').as('s'),
      eb.fn.max('max_observed_at').as('t'),
    ])
    // Matches the partial index region_daily_ending_idx.
    .where(sql<boolean>`ending <> 0`)
    .where('day', '>=', addDays(day, -STALE_DAYS))
    .where('day', '<', day);
  if (category) {
    atDay = atDay.where('category', '=', category);
    tails = tails.where('category', '=', category);
  }
  const [a, b] = await Promise.all([
    atDay.groupBy('region_code').execute(),
    tails.groupBy('region_code').execute(),
  ]);
  const out = new Map<string, KnownAt>();
  for (const r of [...a, ...b]) {
    const k = out.get(r.region_code) ?? { known: 0, subscribers: 0, observedUntil: null };
    k.known += Number(r.n ?? 0);
    k.subscribers += Number(r.s ?? 0);
    const t = r.t === null || r.t === undefined ? null : Number(r.t);
    if (t !== null && (k.observedUntil === null || t > k.observedUntil)) k.observedUntil = t;
    out.set(r.region_code, k);
  }
  return out;
}

/**
 * region → channels (not removed) whose posting is known and at or above `threshold` posts a week over the
 * 28 days up to `day` (posts in 28 days / 4 ≥ threshold), counted from the posts (optionally of some regions
 * only). Only channels with enough posts are joined.
 */
export async function activeByRegion(
  db: Kysely<DB>,
  day: Day,
  threshold: number,
  regions?: readonly string[],
): Promise<Map<string, number>> {
  if (regions && regions.length === 0) return new Map();
  let q = db
    .selectFrom((eb) =>
      eb
        .selectFrom('posts')
        .select('channel_id')
        .where('published_at', '>=', moscowDayStart(addDays(day, -27)))
        .where('published_at', '<', moscowDayStart(addDays(day, 1)))
        .groupBy('channel_id')
        .having(sql<boolean>`count(*) * 1.0 >= cast(${threshold * 4} as double precision)`)
        .as('p'),
    )
    .innerJoin('channel_state as s', 's.channel_id', 'p.channel_id')
    .innerJoin('channels as c', 'c.id', 'p.channel_id')
    .select((eb) => ['c.region_code', eb.fn.countAll<number>().as('n')])
    .where('s.posts_checked_at', 'is not', null)
    .where('c.status', '!=', 'removed')
    .where('c.region_code', 'is not', null)
    .groupBy('c.region_code');
  if (regions) q = q.where('c.region_code', 'in', regions);
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.region_code!, Number(r.n)]));
}

/**
 * The latest observation among the daily rows of `day` (every channel, removed ones too): from region_daily
 * for channels with a region, from the rows themselves for the few channels without one.
 */
export async function latestObservationAt(db: Kysely<DB>, day: Day): Promise<number | null> {
  const [grouped, unplaced] = await Promise.all([
    db
      .selectFrom('region_daily')
      .select((eb) => eb.fn.max('max_observed_at').as('t'))
      .where('day', '=', day)
      .executeTakeFirst(),
    db
      .selectFrom('channels as c')
      .innerJoin('channel_daily as d', (j) => j.onRef('d.channel_id', '=', 'c.id').on('d.day', '=', day))
      .select((eb) => eb.fn.max('d.observed_at').as('t'))
      .where('c.region_code', 'is', null)
      .executeTakeFirst(),
  ]);
  const times = [grouped?.t, unplaced?.t].filter((t) => t !== null && t !== undefined).map(Number);
  return times.length === 0 ? null : Math.max(...times);
}
