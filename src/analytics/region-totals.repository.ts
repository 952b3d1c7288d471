import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { excludeConfirmed, type FlagContext } from './anomaly-flag.service.ts';
import type { Day } from './calendar.ts';
import type { DayValue, ValueSource } from './daily-values.repository.ts';
import { pageCompleteness } from './metrics.ts';
import { profileOf } from './rating-inputs.repository.ts';
import { AGGREGATED_ACTIVE_THRESHOLD, activeFromAggregate } from './region-activity.repository.ts';
import { activeByRegion, type KnownAt, knownAt, regionCounterSums } from './region-aggregates.repository.ts';
import { addChannel, emptyTotals, type RegionTotals } from './region-totals.ts';

/**
 * Every region's totals at a day from the incrementally kept aggregates: register and channel-state counters
 * (`region_channels`) and the daily aggregate (`region_daily`), a few hundred rows whatever the number of
 * channels. A region is added up channel by channel instead (the same figures by the per-channel road) when
 * the aggregates cannot give its figures exactly:
 * - values come from raw observations (a published rating's verification), not the read model;
 * - it has removed channels (they stay in region_daily), or a channel with a confirmed anomaly flag (its
 *   values are corrected first, per the methodology);
 * - not every channel has a value at both ends of the growth period (new channels, gaps longer than 14 days):
 *   growth is like-for-like over the channels known at both dates, which sums cannot tell.
 * Page completeness is read channel by channel for regions with pages checked but not yet classified. Posting
 * activity at the default threshold comes from `region_activity`; for another threshold, and for regions with
 * removed channels or posts the aggregate does not reflect (`posting_stale`), from the posts of the 28 days.
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

  const exact = source.kind === 'read_model';
  const aggregatedActivity = activeThreshold === AGGREGATED_ACTIVE_THRESHOLD;
  const [counters, atDate, atStart, active] = await Promise.all([
    regionCounterSums(db),
    exact ? knownAt(db, date) : Promise.resolve(new Map<string, KnownAt>()),
    exact ? knownAt(db, periodStart) : Promise.resolve(new Map<string, KnownAt>()),
    aggregatedActivity
      ? activeFromAggregate(db, date)
      : activeThreshold > 0
        ? activeByRegion(db, date, activeThreshold)
        : Promise.resolve(null),
  ]);
  const perChannel = new Set<string>();
  const pagesPerChannel = new Set<string>();
  const postsPerChannel = new Set<string>();
  for (const [code, c] of counters.regions) {
    const t = totalsOf(totals, code);
    t.posting += c.posting;
    t.checked += c.checked;
    t.complete += c.complete;
    if (c.removed > 0 || !exact) perChannel.add(code);
    if (c.pages_unknown > 0) pagesPerChannel.add(code);
    if (aggregatedActivity && (c.removed > 0 || c.posting_stale > 0)) postsPerChannel.add(code);
  }
  for (const c of counters.channels) {
    const t = totalsOf(totals, c.region_code);
    t.channels += c.channels;
    t.byCategory[c.category] = (t.byCategory[c.category] ?? 0) + c.channels;
  }
  for (const id of flags.confirmed.keys()) {
    const region = flags.regions.get(id);
    if (region) perChannel.add(region);
  }
  for (const [code, t] of totals) {
    if (perChannel.has(code)) continue;
    const end = atDate.get(code) ?? { known: 0, subscribers: 0, observedUntil: null };
    const start = atStart.get(code) ?? { known: 0, subscribers: 0, observedUntil: null };
    if (end.known !== t.channels || start.known !== t.channels) {
      perChannel.add(code);
      continue;
    }
    // Every channel of the region has a value at both dates.
    t.known = t.channels;
    t.subscribers = end.subscribers;
    t.pairs = t.channels;
    t.start = start.subscribers;
    t.end = end.subscribers;
    if (t.channels > 0) seen(end.observedUntil);
  }
  // Regions whose posts the activity aggregate does not reflect exactly: counted from the posts.
  const recount = await activeByRegion(db, date, activeThreshold, [...postsPerChannel]);
  for (const [code, t] of totals) {
    const source = postsPerChannel.has(code) ? recount : active;
    t.active = source === null ? t.posting : (source.get(code) ?? 0);
  }

  if (perChannel.size > 0) await addChannelByChannel(db, source, flags, options, totals, perChannel, seen);
  if (pagesPerChannel.size > 0) await addPagesByChannel(db, totals, pagesPerChannel);
  return { totals, observedUntil };
}

/** Values of the channels of `regions` read one by one (14-day fallback, confirmed anomalies removed). */
async function addChannelByChannel(
  db: Kysely<DB>,
  source: ValueSource,
  flags: FlagContext,
  options: { date: Day; periodStart: Day },
  totals: Map<string, RegionTotals>,
  regions: Set<string>,
  seen: (t: number) => void,
): Promise<void> {
  const channels = await db
    .selectFrom('channels')
    .select(['id', 'region_code'])
    .where('status', '!=', 'removed')
    .where('region_code', 'in', [...regions])
    .orderBy('id')
    .execute();
  for (let i = 0; i < channels.length; i += PAGE) {
    const slice = channels.slice(i, i + PAGE);
    const ids = slice.map((c) => c.id);
    const rawEnd = await source.valuesAt(ids, options.date);
    const rawStart = await source.valuesAt(ids, options.periodStart);
    for (const v of rawEnd.values()) seen(v.observedAt);
    for (const v of rawStart.values()) seen(v.observedAt);
    const end = await excludeConfirmed(source, rawEnd, flags.confirmed, options.date);
    const start = await excludeConfirmed(source, rawStart, flags.confirmed, options.periodStart);
    for (const c of slice) {
      const t = totalsOf(totals, c.region_code!);
      const e: DayValue | undefined = end.get(c.id);
      const s: DayValue | undefined = start.get(c.id);
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
}

/** Page completeness of the channels of `regions` computed from their profiles (replaces the counters). */
async function addPagesByChannel(
  db: Kysely<DB>,
  totals: Map<string, RegionTotals>,
  regions: Set<string>,
): Promise<void> {
  for (const code of regions) {
    const t = totalsOf(totals, code);
    t.checked = 0;
    t.complete = 0;
  }
  let after = 0;
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
      .where('c.region_code', 'in', [...regions])
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
