import { describe, expect, it } from 'vitest';
import { type RegionChannelFacts, regionMetrics } from '../../src/analytics/region-metrics.ts';
import { ValidationError } from '../../src/shared/errors.ts';

const asOf = '2025-12-01';
const periodStart = '2025-11-01';

function ch(
  id: string,
  category: string,
  subscribers: number | null,
  subscribersAtStart: number | null,
  postsPerWeek: number | null,
  pageComplete: boolean | null,
  extra: Partial<RegionChannelFacts> = {},
): RegionChannelFacts {
  return { id, category, subscribers, subscribersAtStart, postsPerWeek, pageComplete, ...extra };
}

const regionA = {
  code: 'RU-AAA',
  name: 'Регион А',
  population: 200_000,
  channels: [
    ch('c1', 'regional_government', 5000, 4000, 5, true, {
      views24h: { age: '24h', average: 100, posts: 10 },
    }),
    ch('c2', 'school', 1000, 1000, 1, false),
    ch('c3', 'school', null, null, null, null),
    ch('c4', 'healthcare', 2000, null, 3, true, { views24h: { age: '24h', average: 400, posts: 5 } }),
  ],
};

describe('regionMetrics', () => {
  it('computes counts, per-capita values, shares and like-for-like growth (hand-computed table)', () => {
    const m = regionMetrics(regionA, { asOf, periodStart });
    expect(m.channels).toEqual({
      total: 4,
      byCategory: { healthcare: 1, regional_government: 1, school: 2 },
      per100k: 2, // 4 / 200 000 × 100 000
    });
    // 5000 + 1000 + 2000; c3 unknown
    expect(m.subscribers).toEqual({ sum: 8000, missing: 1, per100: 4, per1000: 40 });
    // posting known for c1, c2, c4; active (≥ 3/week): c1 (5) and c4 (exactly 3)
    expect(m.active).toEqual({ count: 2, of: 3, share: 2 / 3, threshold: 3 });
    expect(m.complete).toEqual({ count: 2, of: 3, share: 2 / 3 });
    // c1 4000→5000, c2 1000→1000; c4 has no start value and is left out
    expect(m.growth).toEqual({
      from: periodStart,
      to: asOf,
      start: 5000,
      end: 6000,
      absolute: 1000,
      percent: 20,
      channels: 2,
      days: 30,
    });
    // (100 × 10 + 400 × 5) / 15
    expect(m.views24h).toBe(200);
    expect(m.views7d).toBeNull();
  });

  it('honours the activity threshold parameter', () => {
    expect(regionMetrics(regionA, { asOf, periodStart, activeThreshold: 4 }).active).toMatchObject({
      count: 1,
      share: 1 / 3,
      threshold: 4,
    });
  });

  it('uses the population valid at each date (population changes between dates)', () => {
    const later = regionMetrics(
      { ...regionA, population: 250_000 },
      { asOf: '2026-06-01', periodStart: '2026-05-02' },
    );
    expect(later.channels.per100k).toBe(1.6);
    expect(later.subscribers.per100).toBe(3.2);
    expect(later.subscribers.per1000).toBe(32);
  });

  it('handles a region without channels: zero counts, null shares and growth', () => {
    const m = regionMetrics(
      { code: 'RU-BBB', name: 'Регион Б', population: 500_000, channels: [] },
      { asOf, periodStart },
    );
    expect(m.channels).toEqual({ total: 0, byCategory: {}, per100k: 0 });
    expect(m.subscribers).toEqual({ sum: 0, missing: 0, per100: 0, per1000: 0 });
    expect(m.active.share).toBeNull();
    expect(m.complete.share).toBeNull();
    expect(m.growth).toMatchObject({ start: null, end: null, absolute: null, percent: null, channels: 0 });
  });

  it('gives null per-capita values (never NaN) without a population figure', () => {
    const m = regionMetrics(
      {
        code: 'RU-NEW',
        name: 'Новый регион',
        population: null,
        channels: [ch('x', 'school', 300, 200, 3, true)],
      },
      { asOf, periodStart },
    );
    expect(m.population).toBeNull();
    expect(m.channels.per100k).toBeNull();
    expect(m.subscribers).toEqual({ sum: 300, missing: 0, per100: null, per1000: null });
    expect(m.growth.percent).toBe(50);
    expect(JSON.stringify(m)).not.toMatch(/NaN|Infinity/);
  });

  it('gives a null sum when no channel count is known, and null growth from a zero start', () => {
    const m = regionMetrics(
      {
        code: 'RU-DDD',
        name: 'Регион Д',
        population: 100_000,
        channels: [ch('y', 'school', null, null, null, null)],
      },
      { asOf, periodStart },
    );
    expect(m.subscribers).toEqual({ sum: null, missing: 1, per100: null, per1000: null });
    const zero = regionMetrics(
      {
        code: 'RU-EEE',
        name: 'Регион Е',
        population: 100_000,
        channels: [ch('z', 'school', 40, 0, 1, false)],
      },
      { asOf, periodStart },
    );
    expect(zero.growth).toMatchObject({ start: 0, end: 40, absolute: 40, percent: null });
  });

  it('rejects a period that starts after the as-of day', () => {
    expect(() => regionMetrics(regionA, { asOf, periodStart: '2025-12-02' })).toThrow(ValidationError);
  });
});
