/**
 * The bench's DuckDB side: `dialog-2025`, `network` and a region page (figures with country medians and places,
 * channels by category and page class, laggards, municipalities), written as SQL over the same daily rows (see
 * rating-data.ts), following the formulas of docs/METHODOLOGY.md: values at the end of the day, competition
 * ranking, mean of places, min–max normalisation (all equal → 1), like-for-like growth. Its tables are compared
 * with Ohvat's (`compareSummary` for the region page) to check both compute the same thing.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { addDays, moscowDayStart } from '../src/analytics/calendar.ts';
import type { RegionSummary } from '../src/analytics/region-summary.service.ts';

export const DUCK_DIALOG = (day: string) => `
  with v as (
    select c.region_code, sum(d.subscribers) as subs
    from channels c join channel_daily d on d.channel_id = c.id and d.day = date '${day}'
    where c.category = 'regional_government' group by 1),
  t as (select r.code, v.subs, v.subs * 1000.0 / r.population as per1000
        from regions r join v on v.region_code = r.code where r.population > 0),
  p as (select code, rank() over (order by subs desc) as p1, rank() over (order by per1000 desc) as p2 from t)
  select code, (p1 + p2) / 2.0 as score, rank() over (order by (p1 + p2) / 2.0) as place from p`;

/** Per-region network figures at `day` (growth over 30 days, like for like). */
const REGION_FIGURES = (day: string) => `
  nowv as (select channel_id, subscribers from channel_daily where day = date '${day}'),
  startv as (select channel_id, subscribers from channel_daily where day = date '${day}' - 30),
  agg as (
    select c.region_code, count(*) as channels, sum(n.subscribers) as subs,
      sum(case when f.posts_known then 1 else 0 end) as posting, sum(case when f.active then 1 else 0 end) as active,
      sum(case when f.page_checked then 1 else 0 end) as checked, sum(case when f.complete then 1 else 0 end) as complete,
      sum(case when n.subscribers is not null and s.subscribers is not null then s.subscribers end) as g_start,
      sum(case when n.subscribers is not null and s.subscribers is not null then n.subscribers end) as g_end
    from channels c join facts f on f.channel_id = c.id
      left join nowv n on n.channel_id = c.id left join startv s on s.channel_id = c.id
    group by 1),
  ind as (
    select r.code, a.channels, a.subs,
      case when r.population > 0 then a.channels * 100000.0 / r.population end as per100k,
      case when r.population > 0 then a.subs * 100.0 / r.population end as per100,
      case when r.population > 0 then a.subs * 1000.0 / r.population end as per1000,
      case when a.posting > 0 then a.active * 1.0 / a.posting end as active_share,
      case when a.checked > 0 then a.complete * 1.0 / a.checked end as complete_share,
      case when a.g_start > 0 then (a.g_end - a.g_start) * 100.0 / a.g_start end as growth
    from regions r join agg a on a.region_code = r.code)`;

const norm = (x: string) =>
  `coalesce((${x} - min(${x}) over ()) / nullif(max(${x}) over () - min(${x}) over (), 0), 1)`;

export const DUCK_NETWORK = (day: string) => `
  with ${REGION_FIGURES(day)},
  ok as (select * from ind where per100k is not null and per100 is not null and active_share is not null
         and complete_share is not null and growth is not null),
  scored as (select code, 100 * (${norm('per100k')} + ${norm('per100')} + ${norm('active_share')}
             + ${norm('complete_share')} + ${norm('growth')}) / 5 as score from ok)
  select code, score, rank() over (order by round(score, 6) desc) as place from scored`;

/** The region page's figures: the region's value, the country median, its place (1 = highest) and of how many. */
const SUMMARY_FIGURES = (day: string, code: string) => `
  with ${REGION_FIGURES(day)},
  v as (unpivot (select code, cast(channels as double) as channels, per100k as channels_per_100k,
      cast(subs as double) as subscribers, per1000 as subscribers_per_1000, active_share, complete_share,
      growth as growth_pct from ind) on columns(* exclude code) into name key value v)
  select a.key, any_value(m.v) as value, median(a.v) as country_median, count(*) as "of",
    case when any_value(m.v) is not null then 1 + count(*) filter (where a.v > m.v) end as place
  from v a left join v m on m.key = a.key and m.code = '${code}' group by a.key`;

/**
 * Everything else a region page shows, from the region's channels: values at the day and 30 days before,
 * posts in the 28 and 7 days up to the day (posting known per channel_state), page facts.
 */
const REGION_CHANNELS = (day: string, code: string) => {
  const end = moscowDayStart(addDays(day, 1));
  return `
  create or replace temp table rc as
    select c.id, c.title, c.nickname, c.category, c.municipality, c.page_class, n.subscribers as e, s.subscribers as st,
      case when f.posts_known then coalesce(p.n28, 0) end as p28, case when f.posts_known then coalesce(p.n7, 0) end as p7,
      f.page_checked, f.complete
    from channels c join facts f on f.channel_id = c.id
      left join channel_daily n on n.channel_id = c.id and n.day = date '${day}'
      left join channel_daily s on s.channel_id = c.id and s.day = date '${day}' - 30
      left join (select channel_id, count(*) as n28,
          count(*) filter (where published_at >= ${moscowDayStart(addDays(day, -6))}) as n7
        from posts where published_at >= ${moscowDayStart(addDays(day, -27))} and published_at < ${end}
        group by 1) p on p.channel_id = c.id
    where c.region_code = '${code}'`;
};

/**
 * The region page's tables (what `regionSummary` returns) by the methodology's formulas: the region's channels
 * with their facts are gathered once (`prepare`, a temporary table), then one query per table.
 */
export const DUCK_SUMMARY = (day: string, code: string, threshold = 3) => {
  const ref = 'id, title, nickname, category, municipality';
  return {
    prepare: REGION_CHANNELS(day, code),
    figures: SUMMARY_FIGURES(day, code),
    byCategory: `select category, count(*) as channels, count(e) as with_data,
        coalesce(sum(e), 0) as subscribers from rc group by 1`,
    byPageClass: `select coalesce(page_class, 'unset') as page_class, count(*) as channels from rc group by 1`,
    last7: `select count(p7) as "of", count(*) filter (where p7 >= ${threshold}) as count from rc`,
    inactive: `select ${ref}, p28 / 4.0 as posts_per_week, count(*) over () as total from rc
        where p28 / 4.0 < ${threshold} order by p28, id limit ${LAGGARDS}`,
    incomplete: `select ${ref}, count(*) over () as total from rc where page_checked and not complete
        order by id limit ${LAGGARDS}`,
    falling: `select ${ref}, st as start, e as "end", e - st as change,
        case when st <> 0 then (e - st) / st * 100 end as percent, count(*) over () as total
        from rc where e < st order by coalesce(percent, 0), id limit ${LAGGARDS}`,
    municipalities: `select coalesce(nullif(trim(municipality), ''), '-') as key, count(*) as channels,
        sum(e) as subscribers,
        count(*) filter (where p28 / 4.0 >= ${threshold}) / nullif(count(p28), 0) as active_share,
        count(*) filter (where page_checked and complete) / nullif(count(*) filter (where page_checked), 0)
          as complete_share,
        (sum(e) filter (where st is not null) - sum(st) filter (where e is not null)) * 100.0
          / nullif(sum(st) filter (where e is not null), 0) as growth_pct
        from rc group by 1`,
  };
};
const LAGGARDS = 50;

export type DuckSummary = Record<
  Exclude<keyof ReturnType<typeof DUCK_SUMMARY>, 'prepare'>,
  Record<string, unknown>[]
>;

/** Runs DUCK_SUMMARY: the region's channels, then every table. */
export async function duckSummary(duck: DuckDBConnection, day: string, code: string): Promise<DuckSummary> {
  const { prepare, ...queries } = DUCK_SUMMARY(day, code);
  await duck.run(prepare);
  const out: Partial<DuckSummary> = {};
  for (const [key, query] of Object.entries(queries)) {
    out[key as keyof DuckSummary] = (await duck.runAndReadAll(query)).getRowObjectsJS();
  }
  return out as DuckSummary;
}

export async function duckRows(
  duck: DuckDBConnection,
  query: string,
): Promise<{ code: string; place: number; score: number }[]> {
  const rows = (await duck.runAndReadAll(query)).getRowObjectsJS();
  return rows.map((r) => ({ code: String(r.code), place: Number(r.place), score: Number(r.score) }));
}

const same = (a: unknown, b: unknown) => {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'number' || typeof b === 'number' || typeof a === 'bigint' || typeof b === 'bigint') {
    const x = Number(a);
    const y = Number(b);
    return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
  }
  return String(a) === String(b);
};

/** Rows of `ours` and `duck` matched by `key`, differing in one of `fields`, missing or extra (or out of order). */
function diffRows(
  ours: readonly Record<string, unknown>[],
  duck: readonly Record<string, unknown>[],
  key: string,
  fields: readonly string[],
  ordered = false,
): number {
  const theirs = new Map(duck.map((r) => [String(r[key]), r]));
  let mismatches = Math.abs(ours.length - duck.length);
  ours.forEach((r, i) => {
    const d = theirs.get(String(r[key]));
    if (!d || fields.some((f) => !same(r[f], d[f])) || (ordered && !same(duck[i]?.[key], r[key])))
      mismatches++;
  });
  return mismatches;
}

/** How many rows of a region page differ between Ohvat's answer and DuckDB's tables (0 = the same page). */
export function compareSummary(ours: RegionSummary, duck: DuckSummary): { rows: number; mismatches: number } {
  const ref = ['title', 'nickname', 'category', 'municipality'];
  const total = (rows: Record<string, unknown>[], n: number) => (same(rows[0]?.total ?? 0, n) ? 0 : 1);
  const l = ours.laggards;
  const parts = [
    diffRows(ours.figures, duck.figures, 'key', ['value', 'country_median', 'place', 'of']),
    diffRows(ours.byCategory, duck.byCategory, 'category', ['channels', 'with_data', 'subscribers']),
    diffRows(ours.byPageClass, duck.byPageClass, 'page_class', ['channels']),
    diffRows([ours.active.last7], duck.last7, 'of', ['count']),
    diffRows(l.inactive.items, duck.inactive, 'id', [...ref, 'posts_per_week'], true),
    total(duck.inactive, l.inactive.total),
    diffRows(l.incomplete.items, duck.incomplete, 'id', ref, true),
    total(duck.incomplete, l.incomplete.total),
    diffRows(l.falling.items, duck.falling, 'id', [...ref, 'start', 'end', 'change', 'percent'], true),
    total(duck.falling, l.falling.total),
    diffRows(ours.municipalities, duck.municipalities, 'key', [
      'channels',
      'subscribers',
      'active_share',
      'complete_share',
      'growth_pct',
    ]),
  ];
  const rows =
    ours.figures.length +
    ours.byCategory.length +
    ours.byPageClass.length +
    1 +
    l.inactive.items.length +
    l.incomplete.items.length +
    l.falling.items.length +
    3 +
    ours.municipalities.length;
  return { rows, mismatches: parts.reduce((a, b) => a + b, 0) };
}
