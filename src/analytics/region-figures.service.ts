import type { Kysely } from 'kysely';
import { regionsWithPopulationAt } from '../register/region.repository.ts';
import type { DB } from '../store/schema.ts';
import { scopeFlagContext } from './anomaly-flag.service.ts';
import { addDays, type Day } from './calendar.ts';
import { readModelValues } from './daily-values.repository.ts';
import {
  factsOf,
  groupBy,
  type InputContext,
  maxObserved,
  notesByRegion,
  recentPosts,
  regionFacts,
} from './input-context.ts';
import type { RatingFlag } from './methodology.ts';
import { activeChannels, type ChannelFacts } from './rating-inputs.repository.ts';
import { type RegionMetrics, regionMetrics } from './region-metrics.ts';
import { regionChannelRows } from './region-page.repository.ts';
import { regionTotalsAt } from './region-totals.repository.ts';
import { emptyTotals, metricsFromTotals } from './region-totals.ts';

/**
 * Figures of all 89 regions at a date. Without views they come from totals the database adds up (memory and
 * time grow with the regions, not the channels); with views (places-average on views) every channel's posts
 * are read and the metrics computed channel by channel.
 */

/** Days of the growth period of region figures (growth from the end of date − 30 to the end of date). */
export const GROWTH_PERIOD_DAYS = 30;
/** Posts a week from which a channel counts as active, unless a methodology says otherwise. */
export const DEFAULT_ACTIVE_THRESHOLD = 3;

export async function regionsFigures(
  ctx: InputContext,
  options: { periodStart: Day; activeThreshold?: number; withViews: boolean },
): Promise<{ metrics: RegionMetrics[]; flags: Record<string, RatingFlag[]> }> {
  const regions = await regionsWithPopulationAt(ctx.db, ctx.date);
  const threshold = options.activeThreshold ?? DEFAULT_ACTIVE_THRESHOLD;
  if (!options.withViews) {
    const { totals, observedUntil } = await regionTotalsAt(ctx.db, ctx.source, ctx.flags, {
      date: ctx.date,
      periodStart: options.periodStart,
      activeThreshold: threshold,
    });
    if (observedUntil !== null) ctx.used.push({ subscribers: 0, observedAt: observedUntil });
    const metrics = regions.map((r) =>
      metricsFromTotals(
        { code: r.code, name: r.name_ru, population: r.population },
        totals.get(r.code) ?? emptyTotals(),
        {
          asOf: ctx.date,
          periodStart: options.periodStart,
          activeThreshold: threshold,
        },
      ),
    );
    return { metrics, flags: notesByRegion(ctx) };
  }
  const channels = (await activeChannels(ctx.db)).filter((c) => c.region_code !== null);
  const facts = await factsOf(ctx, channels, options.periodStart);
  const posts = await recentPosts(
    ctx.db,
    channels.map((c) => c.id),
    ctx.date,
  );
  const byRegion = groupBy(facts, (f) => f.region_code);
  const metrics = regions.map((r) =>
    regionMetrics(
      {
        code: r.code,
        name: r.name_ru,
        population: r.population,
        channels: (byRegion.get(r.code) ?? []).map((f) => regionFacts(f, posts, ctx.date)),
      },
      { asOf: ctx.date, periodStart: options.periodStart, activeThreshold: threshold },
    ),
  );
  return { metrics, flags: notesByRegion(ctx) };
}

export interface RegionFigures {
  date: Day;
  periodStart: Day;
  /** The 89 regions' metrics at the date (population valid at the date). */
  metrics: RegionMetrics[];
  observedUntil: number | null;
}

/**
 * Every region's figures at `date` from the read model, as the network rating sees them (confirmed anomalies
 * removed): the source of region summaries and country medians.
 */
export async function regionFiguresAt(
  db: Kysely<DB>,
  date: Day,
  options: { periodDays?: number; activeThreshold?: number } = {},
): Promise<RegionFigures> {
  const ctx: InputContext = {
    db,
    source: readModelValues(db),
    date,
    flags: await scopeFlagContext(db, date),
    used: [],
  };
  const periodStart = addDays(date, -(options.periodDays ?? GROWTH_PERIOD_DAYS));
  const { metrics } = await regionsFigures(ctx, {
    periodStart,
    withViews: false,
    ...(options.activeThreshold === undefined ? {} : { activeThreshold: options.activeThreshold }),
  });
  return { date, periodStart, metrics, observedUntil: maxObserved(ctx.used) };
}

/**
 * The facts of one region's channels at `date`, channel by channel (all of them, or those of `ids`, with the
 * region's flags when already read): the reference road of region pages, and the one of channels whose values
 * a confirmed anomaly flag corrects.
 */
export async function regionChannelFacts(
  db: Kysely<DB>,
  region: string,
  date: Day,
  periodStart: Day,
  only: { ids: readonly number[]; flags: InputContext['flags'] } | null = null,
): Promise<ChannelFacts[]> {
  const ctx: InputContext = {
    db,
    source: readModelValues(db),
    date,
    flags: only?.flags ?? (await scopeFlagContext(db, date, { region })),
    used: [],
  };
  const channels = only
    ? await regionChannelRows(db, region, only.ids)
    : await activeChannels(db, { region });
  return factsOf(ctx, channels, periodStart);
}
