import { ValidationError } from '../shared/errors.ts';
import { assertDay, type Day, diffDays } from './calendar.ts';
import type { Change, ViewsAtAge } from './metrics.ts';
import { ratio } from './stats.ts';

/**
 * Per-region metrics from the region's official channels. A sum of channel subscribers is a sum of
 * subscriptions, NOT a count of unique people: one person subscribed to five channels counts five times.
 * Population may be null (regions without a Rosstat figure): per-capita values are then null.
 */

/** What the region metrics need to know about one official channel. */
export interface RegionChannelFacts {
  id: string;
  /** Register category code (see register/categories.ts), e.g. 'regional_government'. */
  category: string;
  /** Subscribers at the end of the as-of day; null when unknown. */
  subscribers: number | null;
  /** Subscribers at the end of the period's first day; null when unknown (e.g. channel created later). */
  subscribersAtStart: number | null;
  /** Posts per week over the last 28 days; null when posts are not collected. */
  postsPerWeek: number | null;
  /** Whether the page has all five elements; null when the page was not checked. */
  pageComplete: boolean | null;
  views24h?: ViewsAtAge | null;
  views7d?: ViewsAtAge | null;
}

/** A region with the population valid at the as-of date (null when no figure exists). */
export interface RegionFacts {
  code: string;
  name: string;
  population: number | null;
  channels: readonly RegionChannelFacts[];
}

export interface RegionMetricsOptions {
  asOf: Day;
  /** First day of the growth period (growth = end of asOf vs end of periodStart). */
  periodStart: Day;
  /** Posts per week from which a channel counts as active (default 3). */
  activeThreshold?: number;
}

/** A share (numerator / denominator) with the counts it came from. */
export interface Share {
  count: number;
  /** Channels for which the property is known. */
  of: number;
  /** count / of, from 0 to 1; null when `of` is 0. */
  share: number | null;
}

export interface RegionMetrics {
  code: string;
  name: string;
  asOf: Day;
  population: number | null;
  channels: {
    total: number;
    /** Channel counts by category code (keys sorted). */
    byCategory: Record<string, number>;
    /** total / population × 100 000. */
    per100k: number | null;
  };
  subscribers: {
    /** Sum over channels with a known value; 0 for a region without channels; null when none is known. */
    sum: number | null;
    /** Channels whose subscriber count is unknown (not included in the sum). */
    missing: number;
    /** sum / population × 100. */
    per100: number | null;
    /** sum / population × 1 000. */
    per1000: number | null;
  };
  /** Channels posting ≥ threshold posts a week / channels with known posting. */
  active: Share & { threshold: number };
  /** Channels whose page is complete / channels whose page was checked. */
  complete: Share;
  /** Like-for-like subscriber growth over the period (channels with both values only). */
  growth: Change & { channels: number; days: number };
  /** Pooled average views per post: Σ(average × posts) / Σ posts over the region's channels. */
  views24h: number | null;
  views7d: number | null;
}

function share(count: number, of: number): Share {
  return { count, of, share: of === 0 ? null : count / of };
}

function pooledViews(channels: readonly RegionChannelFacts[], pick: 'views24h' | 'views7d'): number | null {
  let views = 0;
  let posts = 0;
  for (const c of channels) {
    const v = c[pick];
    if (!v || v.average === null || v.posts === 0) continue;
    views += v.average * v.posts;
    posts += v.posts;
  }
  return posts === 0 ? null : views / posts;
}

/** value × scale / population (multiplying first keeps 4 × 100 000 / 250 000 exactly 1.6). */
function perCapita(value: number | null, population: number | null, scale: number): number | null {
  return value === null ? null : ratio(value * scale, population);
}

/**
 * Computes the region's figures at `asOf`:
 * - channels per 100 000 inhabitants = channels / population × 100 000;
 * - subscribers per 100 inhabitants = Σ subscribers / population × 100 (per 1 000 likewise);
 * - share of active channels = channels with posts per week ≥ threshold / channels with known posting;
 * - share of complete pages = complete pages / checked pages;
 * - growth % = Σ(end − start) / Σ start × 100 over channels known at both ends (a channel added during
 *   the period has no start value and does not inflate growth).
 */
export function regionMetrics(region: RegionFacts, options: RegionMetricsOptions): RegionMetrics {
  const asOf = assertDay(options.asOf, 'asOf');
  const periodStart = assertDay(options.periodStart, 'periodStart');
  const days = diffDays(periodStart, asOf);
  if (days < 0) throw new ValidationError('periodStart is after asOf', { asOf, periodStart });
  const threshold = options.activeThreshold ?? 3;
  const population = region.population !== null && region.population > 0 ? region.population : null;
  const channels = region.channels;

  const byCategory: Record<string, number> = {};
  for (const cat of [...new Set(channels.map((c) => c.category))].sort()) {
    byCategory[cat] = channels.filter((c) => c.category === cat).length;
  }

  const known = channels.filter((c) => c.subscribers !== null);
  const subscribersSum =
    channels.length === 0
      ? 0
      : known.length === 0
        ? null
        : known.reduce((s, c) => s + (c.subscribers ?? 0), 0);

  const posting = channels.filter((c) => c.postsPerWeek !== null);
  const checked = channels.filter((c) => c.pageComplete !== null);

  const pairs = channels.filter((c) => c.subscribers !== null && c.subscribersAtStart !== null);
  const start = pairs.length === 0 ? null : pairs.reduce((s, c) => s + (c.subscribersAtStart ?? 0), 0);
  const end = pairs.length === 0 ? null : pairs.reduce((s, c) => s + (c.subscribers ?? 0), 0);
  const absolute = start === null || end === null ? null : end - start;
  const growthRatio = ratio(absolute, start);

  return {
    code: region.code,
    name: region.name,
    asOf,
    population,
    channels: {
      total: channels.length,
      byCategory,
      per100k: perCapita(channels.length, population, 100_000),
    },
    subscribers: {
      sum: subscribersSum,
      missing: channels.length - known.length,
      per100: perCapita(subscribersSum, population, 100),
      per1000: perCapita(subscribersSum, population, 1000),
    },
    active: {
      ...share(posting.filter((c) => (c.postsPerWeek ?? 0) >= threshold).length, posting.length),
      threshold,
    },
    complete: share(checked.filter((c) => c.pageComplete === true).length, checked.length),
    growth: {
      from: periodStart,
      to: asOf,
      start,
      end,
      absolute,
      percent: growthRatio === null ? null : growthRatio * 100,
      channels: pairs.length,
      days,
    },
    views24h: pooledViews(channels, 'views24h'),
    views7d: pooledViews(channels, 'views7d'),
  };
}
