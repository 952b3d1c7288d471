import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../store/schema.ts';
import {
  addDays,
  addMonths,
  type Day,
  isoWeekKey,
  monthKey,
  moscowDay,
  moscowDayEnd,
  moscowDayStart,
  weekStart,
} from './calendar.ts';
import { postsWithViews } from './post-views.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Time series read from the daily read model: a channel's figures by day, week or month, and country or
 * region totals by day from `region_daily` (a few hundred rows a day, never the raw observations).
 */

export const SERIES_METRICS = ['subscribers', 'views_24h', 'views_7d', 'posts'] as const;
export type SeriesMetric = (typeof SERIES_METRICS)[number];
export const BUCKETS = ['day', 'week', 'month'] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface SeriesPoint {
  /** Bucket key: the day, ISO week 'YYYY-Www' or month 'YYYY-MM'. */
  period: string;
  /** First and last day of the bucket inside the requested range. */
  from: Day;
  to: Day;
  /** subscribers: value at the end of the bucket; views: mean views per post; posts: number of posts. */
  value: number | null;
  /** subscribers: the end value was carried forward (not observed that day). */
  carried: boolean | null;
  /** views: posts counted; posts and subscribers: days with data. */
  count: number;
}

export function bucketKey(day: Day, bucket: Bucket): string {
  return bucket === 'day' ? day : bucket === 'week' ? isoWeekKey(day) : monthKey(day);
}

function bucketStart(day: Day, bucket: Bucket): Day {
  return bucket === 'day' ? day : bucket === 'week' ? weekStart(day) : `${monthKey(day)}-01`;
}

function bucketEnd(day: Day, bucket: Bucket): Day {
  const start = bucketStart(day, bucket);
  return bucket === 'day' ? day : bucket === 'week' ? addDays(start, 6) : addDays(addMonths(start, 1), -1);
}

/** A channel's series of one metric between two days, by bucket (Moscow days; empty buckets left out). */
export async function channelSeries(
  db: Db,
  channelId: number,
  metric: SeriesMetric,
  range: { from: Day; to: Day; bucket: Bucket },
): Promise<SeriesPoint[]> {
  const points = new Map<string, SeriesPoint>();
  const at = (day: Day) => {
    const key = bucketKey(day, range.bucket);
    let p = points.get(key);
    if (!p) {
      const start = bucketStart(day, range.bucket);
      const end = bucketEnd(day, range.bucket);
      p = {
        period: key,
        from: [start, range.from].sort()[1]!,
        to: [end, range.to].sort()[0]!,
        value: null,
        carried: null,
        count: 0,
      };
      points.set(key, p);
    }
    return p;
  };
  if (metric === 'subscribers') {
    const rows = await db
      .selectFrom('channel_daily')
      .select(['day', 'subscribers', 'carried'])
      .where('channel_id', '=', channelId)
      .where('day', '>=', range.from)
      .where('day', '<=', range.to)
      .orderBy('day')
      .execute();
    for (const r of rows) {
      const p = at(r.day);
      p.value = r.subscribers;
      p.carried = r.carried === 1;
      p.count += 1;
    }
    return [...points.values()];
  }
  const start = moscowDayStart(range.from);
  const end = moscowDayEnd(range.to);
  if (metric === 'posts') {
    const rows = await db
      .selectFrom('posts')
      .select('published_at')
      .where('channel_id', '=', channelId)
      .where('published_at', '>=', start)
      .where('published_at', '<', end)
      .orderBy('published_at')
      .execute();
    for (const r of rows) {
      const p = at(moscowDay(r.published_at));
      p.value = (p.value ?? 0) + 1;
      p.count += 1;
    }
    return [...points.values()];
  }
  const posts = (await postsWithViews(db, [channelId], start, end)).get(channelId) ?? [];
  const sums = new Map<string, number>();
  for (const post of [...posts].sort((a, b) => a.publishedAt - b.publishedAt)) {
    if (post.isRepost) continue;
    const views = metric === 'views_24h' ? post.views24h : post.views7d;
    if (views === null) continue;
    const p = at(moscowDay(post.publishedAt));
    sums.set(p.period, (sums.get(p.period) ?? 0) + views);
    p.count += 1;
    p.value = (sums.get(p.period) ?? 0) / p.count;
  }
  return [...points.values()];
}

/** The last day a channel has a value in the read model. */
export async function channelLastDay(db: Db, channelId: number): Promise<Day | null> {
  const row = await db
    .selectFrom('channel_daily')
    .select((eb) => eb.fn.max('day').as('day'))
    .where('channel_id', '=', channelId)
    .executeTakeFirst();
  return (row?.day as Day | null | undefined) ?? null;
}

export interface DailyTotal {
  day: Day;
  /** Channels with a value that day. */
  channels: number;
  /** Σ subscribers (subscriptions, not people). */
  subscribers: number;
}

/** Country (or one region's, or one category's) totals by day from region_daily. */
export async function dailyTotals(
  db: Db,
  range: { from: Day; to: Day; region?: string | null; category?: string | null },
): Promise<DailyTotal[]> {
  let q = db
    .selectFrom('region_daily')
    .select((eb) => [
      'day',
      eb.fn.sum<number>('channels').as('channels'),
      eb.fn.sum<number>('subscribers').as('subscribers'),
    ])
    .where('day', '>=', range.from)
    .where('day', '<=', range.to);
  if (range.region) q = q.where('region_code', '=', range.region);
  if (range.category) q = q.where('category', '=', range.category);
  const rows = await q.groupBy('day').orderBy('day').execute();
  return rows.map((r) => ({ day: r.day, channels: Number(r.channels), subscribers: Number(r.subscribers) }));
}

export interface CategoryTotal {
  category: string;
  channels: number;
  subscribers: number;
}

/** Totals by category at one day (country-wide or one region). */
export async function categoryTotalsAt(
  db: Db,
  day: Day,
  region?: string | null,
): Promise<Map<string, CategoryTotal>> {
  let q = db
    .selectFrom('region_daily')
    .select((eb) => [
      'category',
      eb.fn.sum<number>('channels').as('channels'),
      eb.fn.sum<number>('subscribers').as('subscribers'),
    ])
    .where('day', '=', day);
  if (region) q = q.where('region_code', '=', region);
  const rows = await q.groupBy('category').execute();
  return new Map(
    rows.map((r) => [
      r.category,
      { category: r.category, channels: Number(r.channels), subscribers: Number(r.subscribers) },
    ]),
  );
}

export interface Mover {
  channel_id: number;
  title: string | null;
  nickname: string | null;
  region_code: string | null;
  category: string;
  start: number;
  end: number;
  change: number;
  percent: number | null;
}

/**
 * Channels with the largest subscriber gains and losses from the end of `from` to the end of `to` (each list
 * by change, then id; gains only among increases, losses among decreases): one statement of two top-N reads
 * over the channels' two days — the database keeps `limit` rows per list instead of sorting every channel.
 */
export async function topMovers(
  db: Db,
  from: Day,
  to: Day,
  limit = 10,
): Promise<{ up: Mover[]; down: Mover[] }> {
  const change = sql<number>`d.end_value - d.start_value`;
  // The channels' two days are read once; register texts are joined to the rows kept only.
  const rows = await db
    .with(
      (cte) => cte('d').materialized(),
      (qb) =>
        qb
          .selectFrom('channel_daily as a')
          .innerJoin('channel_daily as b', (join) =>
            join.onRef('b.channel_id', '=', 'a.channel_id').on('b.day', '=', from),
          )
          .innerJoin('channels as r', 'r.id', 'a.channel_id')
          .where('a.day', '=', to)
          .where('r.status', '!=', 'removed')
          .select(['a.channel_id', 'b.subscribers as start_value', 'a.subscribers as end_value']),
    )
    .selectFrom((eb) => {
      const side = (list: 'up' | 'down') =>
        eb
          .selectFrom((inner) =>
            inner
              .selectFrom('d')
              .where(list === 'up' ? sql<boolean>`${change} > 0` : sql<boolean>`${change} < 0`)
              .select([sql<string>`${list}`.as('list'), 'd.channel_id', 'd.start_value', 'd.end_value'])
              .orderBy(change, list === 'up' ? 'desc' : 'asc')
              .orderBy('d.channel_id')
              .limit(limit)
              .as('s'),
          )
          .selectAll();
      return side('up').unionAll(side('down')).as('m');
    })
    .innerJoin('channels as c', 'c.id', 'm.channel_id')
    .select([
      'm.list',
      'm.channel_id',
      'c.title',
      'c.nickname',
      'c.region_code',
      'c.category',
      'm.start_value as start',
      'm.end_value as end',
    ])
    .execute();
  const pick = (list: 'up' | 'down') =>
    rows
      .filter((r) => r.list === list)
      .map((r): Mover => {
        const start = Number(r.start);
        const end = Number(r.end);
        return {
          channel_id: r.channel_id,
          title: r.title,
          nickname: r.nickname,
          region_code: r.region_code,
          category: r.category,
          start,
          end,
          change: end - start,
          percent: start === 0 ? null : ((end - start) / start) * 100,
        };
      })
      .sort(
        (x, y) => (list === 'up' ? y.change - x.change : x.change - y.change) || x.channel_id - y.channel_id,
      );
  return { up: pick('up'), down: pick('down') };
}

/** Channels in the register (not removed) by region, category and page class. */
export async function registerCounts(
  db: Db,
  region?: string | null,
): Promise<{ region_code: string | null; category: string; page_class: string | null; channels: number }[]> {
  let q = db
    .selectFrom('channels')
    .select((eb) => ['region_code', 'category', 'page_class', eb.fn.countAll<number>().as('channels')])
    .where('status', '!=', 'removed');
  if (region) q = q.where('region_code', '=', region);
  const rows = await q.groupBy(['region_code', 'category', 'page_class']).execute();
  return rows.map((r) => ({ ...r, channels: Number(r.channels) }));
}
