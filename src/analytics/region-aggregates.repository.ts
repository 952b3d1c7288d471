import { type Kysely, type Selectable, sql } from 'kysely';
import { CATEGORIES } from '../register/categories.ts';
import { populationAt } from '../register/region.repository.ts';
import { executePrepared } from '../store/prepared.ts';
import type { DB, RegionChannelsTable } from '../store/schema.ts';
import { addDays, type Day, moscowDayStart } from './calendar.ts';
import { STALE_DAYS } from './daily-values.repository.ts';

/**
 * Reads of the incrementally kept aggregates (a few hundred rows, never one row per channel):
 * `region_channels` (register and channel-state counters, kept by database triggers) and `region_daily`
 * (region × category × day, kept by the read-model upkeep). See region-totals.repository.ts for how they give
 * a region's totals and when the per-channel path is taken instead.
 */

/** One row of `region_channels`: register and channel-state counters of a region and category. */
export type RegionCounters = Selectable<RegionChannelsTable>;

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
 * The `region_channels` counters of every region, read as one row per region: the counters' sums,
 * the channels in all and per category of the register's closed list as columns — 89 rows instead of one per
 * region and category (building result rows is most of the cost of reading a few hundred rows). Should a
 * stored category be outside the list (the pivot does not add up to the total), the channels per category are
 * read as rows instead.
 */
export async function regionCounterSums(db: Kysely<DB>): Promise<RegionCounterSums> {
  const codes = CATEGORIES.map((c) => c.code);
  const query = db
    .selectFrom('region_channels')
    .select((eb) => [
      'region_code',
      eb.fn.sum<number>('removed').as('removed'),
      eb.fn.sum<number>('posting').as('posting'),
      eb.fn.sum<number>('checked').as('checked'),
      eb.fn.sum<number>('complete').as('complete'),
      eb.fn.sum<number>('pages_unknown').as('pages_unknown'),
      eb.fn.sum<number>('posting_stale').as('posting_stale'),
      eb.fn.sum<number>('channels').as('channels'),
      ...codes.map((code, i) =>
        eb.fn
          .sum<number>(eb.case().when('category', '=', code).then(eb.ref('channels')).else(0).end())
          .as(`c${i}`),
      ),
    ])
    .groupBy('region_code')
    .orderBy('region_code');
  const rows = await executePrepared(db, query);
  const regions = new Map(rows.map((r) => [r.region_code, counterValues(r)]));
  const channels: RegionCounterSums['channels'] = [];
  let listed = true;
  for (const r of rows) {
    const cells = r as unknown as Record<string, number | string | null>;
    let sum = 0;
    codes.forEach((category, i) => {
      const n = Number(cells[`c${i}`] ?? 0);
      sum += n;
      if (n > 0) channels.push({ region_code: r.region_code, category, channels: n });
    });
    if (sum !== Number(r.channels ?? 0)) listed = false;
  }
  if (listed) return { regions, channels };
  const all = await db
    .selectFrom('region_channels')
    .select(['region_code', 'category', 'channels'])
    .where('channels', '>', 0)
    .execute();
  return { regions, channels: all.map((r) => ({ ...r, channels: Number(r.channels) })) };
}

/**
 * The region_daily rows that say which channels' values are known at `day` (14-day rule): rows of the day
 * (`fresh`: usable at the day) plus rows of the 14 days before whose channels' series ended there (`ending`:
 * no row at the day, their last row still holds), added up per region as (region_code, known, subscribers,
 * observed_until). `observed_until`: when any value is known it is the latest one used (a channel's daily
 * observed_at never decreases with the day, and rows not usable at the day are older than every usable one).
 */
function knownRows(db: Kysely<DB>, day: Day, category?: string) {
  let atDay = db
    .selectFrom('region_daily')
    .select(['region_code', 'fresh as n', 'fresh_subscribers as s', 'max_observed_at as t'])
    .where('day', '=', day);
  let tails = db
    .selectFrom('region_daily')
    .select(['region_code', 'ending as n', 'ending_subscribers as s', 'max_observed_at as t'])
    // Matches the partial index region_daily_ending_idx.
    .where(sql<boolean>`ending <> 0`)
    .where('day', '>=', addDays(day, -STALE_DAYS))
    .where('day', '<', day);
  if (category) {
    atDay = atDay.where('category', '=', category);
    tails = tails.where('category', '=', category);
  }
  return db
    .selectFrom(atDay.unionAll(tails).as('k'))
    .select((eb) => [
      'k.region_code',
      eb.fn.sum<number>('k.n').as('known'),
      eb.fn.sum<number>('k.s').as('subscribers'),
      eb.fn.max('k.t').as('observed_until'),
    ])
    .groupBy('k.region_code');
}

/** A region's channels with a value at a day (14-day rule), Σ of those values and the latest observation. */
export interface KnownAt {
  known: number;
  subscribers: number;
  observedUntil: number | null;
}

const knownOf = (r: {
  known: number | string | null;
  subscribers: number | string | null;
  observed_until: number | string | bigint | null;
}): KnownAt => ({
  known: Number(r.known ?? 0),
  subscribers: Number(r.subscribers ?? 0),
  observedUntil: r.observed_until === null ? null : Number(r.observed_until),
});

/** region → channels whose value at `day` is known (see knownRows), from region_daily. */
export async function knownAt(db: Kysely<DB>, day: Day, category?: string): Promise<Map<string, KnownAt>> {
  const rows = await executePrepared(db, knownRows(db, day, category));
  return new Map(rows.map((r) => [r.region_code, knownOf(r)]));
}

/** Every region with its population at a day and, for one category, its counters and known values. */
export interface RegionCategoryAt {
  code: string;
  name_ru: string;
  /** Population valid at the day (the latest figure with as_of ≤ day); null when none. */
  population: number | null;
  /** Channels of the category in the register (not removed) and removed ones still counted in region_daily. */
  channels: number;
  removed: number;
  known: KnownAt;
}

/**
 * What a rating of one category's channels per region reads, in one statement of 89 rows: each region (by
 * code) with its population at `day`, its `region_channels` counters and the known values at `day` (the same
 * figures as regionsWithPopulationAt, the region_channels row and knownAt give, which would be several reads).
 */
export async function regionCategoryAt(
  db: Kysely<DB>,
  day: Day,
  category: string,
): Promise<RegionCategoryAt[]> {
  const query = db
    .selectFrom('regions as r')
    .leftJoin('region_channels as rc', (j) =>
      j.onRef('rc.region_code', '=', 'r.code').on('rc.category', '=', category),
    )
    .leftJoin(knownRows(db, day, category).as('k'), 'k.region_code', 'r.code')
    .leftJoin(populationAt(db, day).as('p'), 'p.region_code', 'r.code')
    .select([
      'r.code',
      'r.name_ru',
      'p.population',
      'rc.channels',
      'rc.removed',
      'k.known',
      'k.subscribers',
      'k.observed_until',
    ])
    .orderBy('r.code');
  const rows = await executePrepared(db, query);
  return rows.map((r) => ({
    code: r.code,
    name_ru: r.name_ru,
    population: r.population === null ? null : Number(r.population),
    channels: Number(r.channels ?? 0),
    removed: Number(r.removed ?? 0),
    known: knownOf(r),
  }));
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
