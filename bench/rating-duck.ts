/**
 * The bench's DuckDB side: `dialog-2025`, `network` and a region's figures with country medians, written as
 * SQL over the same daily rows (see rating-data.ts), following the formulas of docs/METHODOLOGY.md: values at
 * the end of the day, competition ranking, mean of places, min–max normalisation (all equal → 1), like-for-like
 * growth. Its tables are compared with Ohvat's to check both compute the same thing.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

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

/** One region's figures against the country medians (what a region summary shows). */
export const DUCK_SUMMARY = (day: string, code: string) => `
  with ${REGION_FIGURES(day)},
  med as (select median(channels) as channels, median(per100k) as per100k, median(subs) as subs,
          median(per1000) as per1000, median(active_share) as active_share,
          median(complete_share) as complete_share, median(growth) as growth from ind)
  select i.*, m.* from ind i, med m where i.code = '${code}'`;

export async function duckRows(
  duck: DuckDBConnection,
  query: string,
): Promise<{ code: string; place: number; score: number }[]> {
  const rows = (await duck.runAndReadAll(query)).getRowObjectsJS();
  return rows.map((r) => ({ code: String(r.code), place: Number(r.place), score: Number(r.score) }));
}
