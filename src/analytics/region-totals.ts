import { assertDay, type Day, diffDays } from './calendar.ts';
import type { RegionChannelFacts, RegionMetrics } from './region-metrics.ts';
import { ratio } from './stats.ts';

/**
 * A region's figures from counts and sums instead of the list of its channels: what the database can add up
 * for 250,000 channels without sending each one to the application. `metricsFromTotals` gives exactly what
 * `regionMetrics` (region-metrics.ts) gives for the same channels (checked by a property test); views are
 * not part of the totals (null).
 */

export interface RegionTotals {
  /** Channels (not removed) of the region. */
  channels: number;
  byCategory: Record<string, number>;
  /** Channels with a value at the as-of day, and the sum of those values. */
  known: number;
  subscribers: number;
  /** Channels with values at both ends of the growth period, and their sums at each end. */
  pairs: number;
  start: number;
  end: number;
  /** Channels whose posting is known, and those at or above the activity threshold. */
  posting: number;
  active: number;
  /** Pages checked, and those complete. */
  checked: number;
  complete: number;
}

export function emptyTotals(): RegionTotals {
  return {
    channels: 0,
    byCategory: {},
    known: 0,
    subscribers: 0,
    pairs: 0,
    start: 0,
    end: 0,
    posting: 0,
    active: 0,
    checked: 0,
    complete: 0,
  };
}

/** Adds one channel's facts to the totals (the reference implementation of what the SQL sums do). */
export function addChannel(t: RegionTotals, c: RegionChannelFacts, activeThreshold: number): void {
  t.channels += 1;
  t.byCategory[c.category] = (t.byCategory[c.category] ?? 0) + 1;
  if (c.subscribers !== null) {
    t.known += 1;
    t.subscribers += c.subscribers;
  }
  if (c.subscribers !== null && c.subscribersAtStart !== null) {
    t.pairs += 1;
    t.start += c.subscribersAtStart;
    t.end += c.subscribers;
  }
  if (c.postsPerWeek !== null) {
    t.posting += 1;
    if (c.postsPerWeek >= activeThreshold) t.active += 1;
  }
  if (c.pageComplete !== null) {
    t.checked += 1;
    if (c.pageComplete) t.complete += 1;
  }
}

function perCapita(value: number | null, population: number | null, scale: number): number | null {
  return value === null ? null : ratio(value * scale, population);
}

function share(count: number, of: number) {
  return { count, of, share: of === 0 ? null : count / of };
}

/** RegionMetrics from totals, by the formulas of `regionMetrics`. */
export function metricsFromTotals(
  region: { code: string; name: string; population: number | null },
  t: RegionTotals,
  options: { asOf: Day; periodStart: Day; activeThreshold?: number },
): RegionMetrics {
  const asOf = assertDay(options.asOf, 'asOf');
  const periodStart = assertDay(options.periodStart, 'periodStart');
  const population = region.population !== null && region.population > 0 ? region.population : null;
  const byCategory: Record<string, number> = {};
  for (const key of Object.keys(t.byCategory).sort()) byCategory[key] = t.byCategory[key]!;
  const sum = t.channels === 0 ? 0 : t.known === 0 ? null : t.subscribers;
  const start = t.pairs === 0 ? null : t.start;
  const end = t.pairs === 0 ? null : t.end;
  const absolute = start === null || end === null ? null : end - start;
  const growth = ratio(absolute, start);
  return {
    code: region.code,
    name: region.name,
    asOf,
    population,
    channels: { total: t.channels, byCategory, per100k: perCapita(t.channels, population, 100_000) },
    subscribers: {
      sum,
      missing: t.channels - t.known,
      per100: perCapita(sum, population, 100),
      per1000: perCapita(sum, population, 1000),
    },
    active: { ...share(t.active, t.posting), threshold: options.activeThreshold ?? 3 },
    complete: share(t.complete, t.checked),
    growth: {
      from: periodStart,
      to: asOf,
      start,
      end,
      absolute,
      percent: growth === null ? null : growth * 100,
      channels: t.pairs,
      days: diffDays(periodStart, asOf),
    },
    views24h: null,
    views7d: null,
  };
}
