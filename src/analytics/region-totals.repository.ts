import { type Kysely, sql } from 'kysely';
import type { DB } from '../store/schema.ts';
import { excludeConfirmed, type FlagContext } from './anomaly-flag.service.ts';
import { addDays, type Day, moscowDayStart } from './calendar.ts';
import { type DayValue, oldestUsable, type ValueSource } from './daily-values.repository.ts';
import { pageCompleteness } from './metrics.ts';
import { profileOf } from './rating-inputs.repository.ts';
import { addChannel, emptyTotals, type RegionTotals } from './region-totals.ts';

/**
 * Every region's totals at a day, added up by the database: register counts, subscribers of the channels whose
 * value at the day (and at the start of the growth period) is an exact row of the daily read model, posting
 * activity. Only the other channels — observed irregularly, appeared during the period, or with a confirmed
 * anomaly — are read one by one (with the 14-day fallback and the exclusions), and page completeness is read in
 * pages of 5,000 channels, so memory stays bounded by the number of regions, not of channels.
 */

export interface TotalsResult {
  totals: Map<string, RegionTotals>;
  observedUntil: number | null;
}

const PAGE = 5_000;

function totalsOf(map: Map<string, RegionTotals>, code: string): RegionTotals {
  let t = map.get(code);
  if (!t) {
    t = emptyTotals();
    map.set(code, t);
  }
  return t;
}

export async function regionTotalsAt(
  db: Kysely<DB>,
  source: ValueSource,
  flags: FlagContext & { regions: Map<number, string | null> },
  options: { date: Day; periodStart: Day; activeThreshold: number },
): Promise<TotalsResult> {
  const { date, periodStart, activeThreshold } = options;
  const totals = new Map<string, RegionTotals>();
  let observedUntil: number | null = null;
  const seen = (t: number | null | undefined) => {
    if (t !== null && t !== undefined && (observedUntil === null || Number(t) > observedUntil))
      observedUntil = Number(t);
  };

  const register = await db
    .selectFrom('channels')
    .select((eb) => ['region_code', 'category', eb.fn.countAll<number>().as('n')])
    .where('status', '!=', 'removed')
    .where('region_code', 'is not', null)
    .groupBy(['region_code', 'category'])
    .execute();
  for (const r of register) {
    const t = totalsOf(totals, r.region_code!);
    t.channels += Number(r.n);
    t.byCategory[r.category] = (t.byCategory[r.category] ?? 0) + Number(r.n);
  }

  // Channels with confirmed anomalies are added one by one below (their values are corrected first).
  const flagged = [...flags.confirmed.keys()];
  const exact = source.kind === 'read_model';
  const oldD = oldestUsable(date);
  const oldS = oldestUsable(periodStart);
  // One pass over the channels (in pages): those with exact rows at both days are added up here, the rest
  // are collected and read one by one below.
  const regionOf = new Map<number, string>();
  const flaggedSet = new Set(flagged);
  let after = 0;
  for (;;) {
    const page = await db
      .selectFrom('channels as c')
      .leftJoin('channel_daily as a', (j) =>
        j.onRef('a.channel_id', '=', 'c.id').on('a.day', '=', date).on('a.observed_at', '>=', oldD),
      )
      .leftJoin('channel_daily as b', (j) =>
        j.onRef('b.channel_id', '=', 'c.id').on('b.day', '=', periodStart).on('b.observed_at', '>=', oldS),
      )
      .select([
        'c.id',
        'c.region_code',
        'a.subscribers as end',
        'a.observed_at as t',
        'b.subscribers as start',
      ])
      .where('c.status', '!=', 'removed')
      .where('c.region_code', 'is not', null)
      .where('c.id', '>', after)
      .orderBy('c.id')
      .limit(PAGE)
      .execute();
    if (page.length === 0) break;
    for (const r of page) {
      if (exact && r.end !== null && r.start !== null && !flaggedSet.has(r.id)) {
        const t = totalsOf(totals, r.region_code!);
        t.known += 1;
        t.subscribers += r.end;
        t.pairs += 1;
        t.start += r.start;
        t.end += r.end;
        seen(r.t);
      } else regionOf.set(r.id, r.region_code!);
    }
    after = page.at(-1)!.id;
  }

  const ids = [...regionOf.keys()];
  for (let i = 0; i < ids.length; i += PAGE) {
    const slice = ids.slice(i, i + PAGE);
    const [rawEnd, rawStart] = [
      await source.valuesAt(slice, date),
      await source.valuesAt(slice, periodStart),
    ];
    for (const v of rawEnd.values()) seen(v.observedAt);
    for (const v of rawStart.values()) seen(v.observedAt);
    const end = await excludeConfirmed(source, rawEnd, flags.confirmed, date);
    const start = await excludeConfirmed(source, rawStart, flags.confirmed, periodStart);
    for (const id of slice) {
      const t = totalsOf(totals, regionOf.get(id)!);
      const e: DayValue | undefined = end.get(id);
      const s: DayValue | undefined = start.get(id);
      if (e) {
        t.known += 1;
        t.subscribers += e.subscribers;
        if (s) {
          t.pairs += 1;
          t.start += s.subscribers;
          t.end += e.subscribers;
        }
      }
    }
  }

  // Posting over the 28 days up to the date, for channels whose posts are collected.
  const posts = await db
    .selectFrom('channels as c')
    .innerJoin('channel_state as s', 's.channel_id', 'c.id')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('posts')
          .select(['channel_id', (e) => e.fn.countAll<number>().as('n')])
          .where('published_at', '>=', moscowDayStart(addDays(date, -27)))
          .where('published_at', '<', moscowDayStart(addDays(date, 1)))
          .groupBy('channel_id')
          .as('p'),
      (j) => j.onRef('p.channel_id', '=', 'c.id'),
    )
    .select((eb) => [
      'c.region_code',
      eb.fn.countAll<number>().as('known'),
      // Posts per week = posts in 28 days / 4 ≥ threshold.
      sql<number>`sum(case when coalesce(p.n, 0) * 1.0 >= cast(${activeThreshold * 4} as double precision) then 1 else 0 end)`.as(
        'active',
      ),
    ])
    .where('c.status', '!=', 'removed')
    .where('c.region_code', 'is not', null)
    .where('s.posts_checked_at', 'is not', null)
    .groupBy('c.region_code')
    .execute();
  for (const r of posts) {
    const t = totalsOf(totals, r.region_code!);
    t.posting += Number(r.known);
    t.active += Number(r.active);
  }

  // Page completeness (read from the description, so computed here), in pages of channels.
  after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('channels as c')
      .innerJoin('channel_state as s', 's.channel_id', 'c.id')
      .select([
        'c.id',
        'c.region_code',
        's.profile_title',
        's.profile_description',
        's.profile_icon_url',
        's.profile_link',
      ])
      .where('c.status', '!=', 'removed')
      .where('c.region_code', 'is not', null)
      .where('s.profile_checked_at', 'is not', null)
      .where('c.id', '>', after)
      .orderBy('c.id')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      const t = totalsOf(totals, r.region_code!);
      t.checked += 1;
      if (pageCompleteness(profileOf(r)).complete) t.complete += 1;
    }
    after = rows.at(-1)!.id;
  }
  return { totals, observedUntil };
}

/** The same totals from a list of channel facts (reference for tests). */
export function totalsFromFacts(
  facts: readonly (Parameters<typeof addChannel>[1] & { region: string })[],
  activeThreshold: number,
): Map<string, RegionTotals> {
  const out = new Map<string, RegionTotals>();
  for (const f of facts) addChannel(totalsOf(out, f.region), f, activeThreshold);
  return out;
}
