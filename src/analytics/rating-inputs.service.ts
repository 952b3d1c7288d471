import type { Kysely } from 'kysely';
import { regionsWithPopulationAt } from '../register/region.repository.ts';
import { ValidationError } from '../shared/errors.ts';
import type { DB } from '../store/schema.ts';
import { scopeFlagContext } from './anomaly-flag.service.ts';
import { addDays, addMonths, type Day } from './calendar.ts';
import type { DayValue, ValueSource } from './daily-values.repository.ts';
import { dialogInputs } from './dialog-inputs.service.ts';
import { channelIndicatorValues, regionIndicatorValues } from './indicators.ts';
import {
  factsOf,
  groupBy,
  type InputContext,
  maxObserved,
  notesOf,
  recentPosts,
  regionFacts,
  values,
} from './input-context.ts';
import { DIALOG_2025_ID } from './methodologies/dialog-2025.ts';
import { NETWORK_ID, networkInputs, networkParametersSchema } from './methodologies/network.ts';
import {
  PLACES_AVERAGE_ID,
  placesAverageInputs,
  placesAverageParametersSchema,
} from './methodologies/places-average.ts';
import {
  VIEWS_PER_POST_ID,
  viewsPerPostInputs,
  viewsPerPostParametersSchema,
} from './methodologies/views-per-post.ts';
import type { Methodology, RatingInputs } from './methodology.ts';
import { channelMetrics, type DailyPoint } from './metrics.ts';
import { channelsWithPosts } from './post-views.repository.ts';
import {
  activeChannels,
  type ChannelRow,
  firstValueDays,
  pageProfiles,
  postsPerWeekAt,
} from './rating-inputs.repository.ts';
import type { RatingScope } from './rating-scope.ts';
import { regionsFigures } from './region-figures.service.ts';
import { regionMetrics } from './region-metrics.ts';

/**
 * Builds the inputs of a preset methodology for a date and scope: channel values from a ValueSource (the read
 * model, or raw observations for verification) with confirmed anomalies removed, population valid at the
 * date, posting activity and page completeness; open anomaly flags travel with the rows as notes.
 */

/** Growth period of `places-average` (its catalogue indicator `growth_pct`). */
export const PLACES_GROWTH_DAYS = 30;
/** Name of the municipality row for channels without one. */
export const NO_MUNICIPALITY = { key: '-', ru: 'Без муниципалитета' } as const;

type Db = Kysely<DB>;

export interface BuiltInputs {
  inputs: RatingInputs;
  /** Latest observation time among the values used (epoch ms), null when none. */
  observedUntil: number | null;
}

type Ctx = InputContext;

async function channelRows(ctx: Ctx, channels: readonly ChannelRow[], withPosts: boolean) {
  const ids = channels.map((c) => c.id);
  const days = [ctx.date, addDays(ctx.date, -1), addDays(ctx.date, -7), addMonths(ctx.date, -1)];
  const at: Map<number, DayValue>[] = [];
  for (const day of days) at.push(await values(ctx, ids, day));
  const [pages, posts, perWeek] = await Promise.all([
    pageProfiles(ctx.db, ids),
    withPosts ? recentPosts(ctx.db, ids, ctx.date) : Promise.resolve(null),
    postsPerWeekAt(ctx.db, ctx.date, ids),
  ]);
  return channels.map((c) => {
    // A sparse series with the days the channel metrics read (the day, a day, a week and a month before).
    const series: DailyPoint[] = days.flatMap((day, i) => {
      const v = at[i]!.get(c.id);
      return v ? [{ day, subscribers: v.subscribers, carried: false }] : [];
    });
    const own = posts && perWeek.has(c.id) ? (posts.get(c.id) ?? []) : null;
    const metrics = channelMetrics({ series, posts: own, page: pages.get(c.id) ?? null }, ctx.date);
    const indicatorValues = channelIndicatorValues(metrics);
    indicatorValues.posts_per_week = perWeek.get(c.id) ?? null;
    return {
      key: String(c.id),
      name: c.title ?? c.nickname ?? `#${c.id}`,
      values: indicatorValues,
      flags: ctx.flags.notes.get(c.id) ?? [],
    };
  });
}

async function placesAverage(ctx: Ctx, m: Methodology, scope: RatingScope): Promise<RatingInputs> {
  const p = placesAverageParametersSchema.parse(m.parameters);
  const withViews = p.indicators.some(
    (k) => k === 'avg_views_24h' || k === 'avg_views_7d' || k === 'reach_rate_24h_pct',
  );
  const periodStart = addDays(ctx.date, -PLACES_GROWTH_DAYS);
  if (p.scope === 'regions') {
    const { metrics, flags } = await regionsFigures(ctx, { periodStart, withViews });
    return placesAverageInputs(
      m,
      ctx.date,
      metrics.map((r) => ({
        key: r.code,
        name: r.name,
        values: regionIndicatorValues(r),
        flags: flags[r.code] ?? [],
      })),
    );
  }
  const channels = await activeChannels(ctx.db, { category: scope.category, region: scope.region });
  if (p.scope === 'channels')
    return placesAverageInputs(m, ctx.date, await channelRows(ctx, channels, withViews));
  const facts = await factsOf(ctx, channels, periodStart);
  const posts = withViews
    ? await recentPosts(
        ctx.db,
        channels.map((c) => c.id),
        ctx.date,
      )
    : null;
  const groups = groupBy(facts, (f) => f.municipality?.trim() || NO_MUNICIPALITY.key);
  const objects = [...groups].map(([key, list]) => {
    const metrics = regionMetrics(
      {
        code: key,
        name: key === NO_MUNICIPALITY.key ? NO_MUNICIPALITY.ru : key,
        population: null,
        channels: list.map((f) => regionFacts(f, posts, ctx.date)),
      },
      { asOf: ctx.date, periodStart },
    );
    return {
      key,
      name: metrics.name,
      values: regionIndicatorValues(metrics),
      flags: notesOf(
        ctx,
        list.map((f) => f.id),
      ),
    };
  });
  return placesAverageInputs(m, ctx.date, objects);
}

async function viewsPerPost(ctx: Ctx, m: Methodology, scope: RatingScope): Promise<RatingInputs> {
  const p = viewsPerPostParametersSchema.parse(m.parameters);
  const all = await activeChannels(
    ctx.db,
    scope.kind === 'channels' ? { category: scope.category, region: scope.region } : {},
  );
  const ids = all.map((c) => c.id);
  const collected = await channelsWithPosts(ctx.db, ids);
  // Only channels whose posts are collected can be judged on their posts.
  const channels = all.filter(
    (c) => collected.has(c.id) && (scope.kind === 'channels' || c.region_code !== null),
  );
  const posts = await recentPosts(
    ctx.db,
    channels.map((c) => c.id),
    ctx.date,
    p.periodDays + 8,
  );
  const periodFrom = addDays(ctx.date, 1 - p.periodDays);
  const first = await firstValueDays(
    ctx.db,
    channels.map((c) => c.id),
    periodFrom,
  );
  const regions = scope.kind === 'regions' ? await regionsWithPopulationAt(ctx.db, ctx.date) : [];
  return viewsPerPostInputs(
    m,
    ctx.date,
    channels.map((c) => ({
      key: String(c.id),
      name: c.title ?? c.nickname ?? `#${c.id}`,
      regionCode: c.region_code,
      observedFrom: first.get(c.id) ?? periodFrom,
      posts: posts.get(c.id) ?? [],
      flags: ctx.flags.notes.get(c.id) ?? [],
    })),
    regions.map((r) => ({ code: r.code, name: r.name_ru })),
  );
}

/** The channels whose anomaly flags matter for a methodology and scope. */
function flagFilter(
  m: Methodology,
  scope: RatingScope,
): { category?: string | null; region?: string | null } {
  if (m.id === DIALOG_2025_ID) return { category: 'regional_government' };
  if (scope.kind === 'regions') return {};
  return { category: scope.category, region: scope.region };
}

export async function buildRatingInputs(
  db: Db,
  source: ValueSource,
  methodology: Methodology,
  scope: RatingScope,
  date: Day,
): Promise<BuiltInputs> {
  const flags = await scopeFlagContext(db, date, flagFilter(methodology, scope));
  const ctx: Ctx = { db, source, date, flags, used: [] };
  let inputs: RatingInputs;
  if (methodology.id === DIALOG_2025_ID) inputs = await dialogInputs(ctx, methodology);
  else if (methodology.id === NETWORK_ID) {
    const p = networkParametersSchema.parse(methodology.parameters);
    const { metrics, flags: notes } = await regionsFigures(ctx, {
      periodStart: addDays(date, -p.growthDays),
      activeThreshold: p.activeThreshold,
      withViews: false,
    });
    inputs = networkInputs(methodology, date, metrics, notes);
  } else if (methodology.id === PLACES_AVERAGE_ID) inputs = await placesAverage(ctx, methodology, scope);
  else if (methodology.id === VIEWS_PER_POST_ID) inputs = await viewsPerPost(ctx, methodology, scope);
  else throw new ValidationError(`methodology "${methodology.id}" cannot be computed from the register`);
  return { inputs, observedUntil: maxObserved(ctx.used) };
}
