import { describe, expect, it } from 'vitest';
import { addDays, moscowDayStart } from '../../src/analytics/calendar.ts';
import { NBSP } from '../../src/analytics/format.ts';
import { regionIndicatorValues } from '../../src/analytics/indicators.ts';
import { networkInputs, networkMethodology } from '../../src/analytics/methodologies/network.ts';
import {
  placesAverageInputs,
  placesAverageMethodology,
} from '../../src/analytics/methodologies/places-average.ts';
import {
  type ViewsChannel,
  viewsPerPostInputs,
  viewsPerPostMethodology,
} from '../../src/analytics/methodologies/views-per-post.ts';
import { computeRating } from '../../src/analytics/methodology.ts';
import type { PostInput } from '../../src/analytics/metrics.ts';
import {
  type RegionChannelFacts,
  type RegionFacts,
  regionMetrics,
} from '../../src/analytics/region-metrics.ts';
import { ValidationError } from '../../src/shared/errors.ts';

const asOf = '2025-12-01';
const periodStart = addDays(asOf, -30);

function ch(subs: number, start: number, ppw: number, complete: boolean): RegionChannelFacts {
  return {
    id: `c${subs}-${start}`,
    category: 'executive_body',
    subscribers: subs,
    subscribersAtStart: start,
    postsPerWeek: ppw,
    pageComplete: complete,
  };
}

// Hand table (see the comments for each indicator value).
const facts: RegionFacts[] = [
  // 2 channels / 100 000 → 2 per 100k; 10 000 subs → 10 per 100; active 2/2; complete 1/2; growth 8000→10000 = 25 %
  {
    code: 'R1',
    name: 'Первый',
    population: 100_000,
    channels: [ch(6000, 5000, 3, true), ch(4000, 3000, 4, false)],
  },
  // 2 / 200 000 → 1; 10 000 → 5; active 1/2; complete 2/2; growth 0 %
  {
    code: 'R2',
    name: 'Второй',
    population: 200_000,
    channels: [ch(5000, 5000, 3, true), ch(5000, 5000, 1, true)],
  },
  // 1 / 100 000 → 1; 2 000 → 2; active 0/1; complete 0/1; growth 1000→2000 = 100 %
  { code: 'R3', name: 'Третий', population: 100_000, channels: [ch(2000, 1000, 0, false)] },
  // no population figure → per-capita values null → unranked
  { code: 'R4', name: 'Четвёртый', population: null, channels: [ch(500, 400, 5, true)] },
  // no channels → shares and growth null → unranked
  { code: 'R5', name: 'Пятый', population: 50_000, channels: [] },
];
const metrics = facts.map((f) => regionMetrics(f, { asOf, periodStart }));

describe('network methodology', () => {
  it('combines min–max normalised indicators with equal weights (hand-computed)', () => {
    const m = networkMethodology();
    const t = computeRating(m, networkInputs(m, asOf, metrics));
    // R1: (1 + 1 + 1 + 0.5 + 0.25) / 5 = 0.75; R2: (0 + 3/8 + 0.5 + 1 + 0) / 5 = 0.375; R3: (0+0+0+0+1)/5 = 0.2
    expect(t.rows.map((r) => [r.key, r.place, r.score])).toEqual([
      ['R1', 1, 75],
      ['R2', 2, 37.5],
      ['R3', 3, 20],
      ['R5', null, null],
      ['R4', null, null],
    ]);
    expect(t.rows[1]?.indicators.subscribers_per_100).toEqual({ value: 5, place: 2, normalised: 0.375 });
    expect(t.rows[3]?.flags[0]?.reason_ru).toBe(
      'Нет данных: Доля активных каналов; Доля заполненных страниц; Прирост подписчиков за 30 дней, % — не участвует в рейтинге',
    );
    expect(t.rows[4]?.flags[0]?.code).toBe('missing_data');
  });

  it('uses the weights parameter', () => {
    const m = networkMethodology({
      weights: {
        channels_per_100k: 1,
        subscribers_per_100: 1,
        active_share: 1,
        complete_share: 1,
        growth_pct: 4,
      },
    });
    const t = computeRating(m, networkInputs(m, asOf, metrics));
    // R1: (1+1+1+0.5+4×0.25)/8 = 0.5625; R3: 4/8 = 0.5; R2: 1.875/8 = 0.234375
    expect(t.rows.slice(0, 3).map((r) => [r.key, r.score])).toEqual([
      ['R1', 56.25],
      ['R3', 50],
      ['R2', 23.4375],
    ]);
  });

  it('refuses metrics computed for another growth period or threshold', () => {
    const m = networkMethodology({ growthDays: 7 });
    expect(() => networkInputs(m, asOf, metrics)).toThrow(ValidationError);
    const m2 = networkMethodology({ activeThreshold: 2 });
    expect(m2.indicators[2]?.formula_ru).toContain('≥ 2 публикаций');
    expect(() => networkInputs(m2, asOf, metrics)).toThrow(ValidationError);
  });
});

describe('places-average methodology', () => {
  it('ranks by the mean of places on the chosen indicators', () => {
    const m = placesAverageMethodology({ indicators: ['subscribers_per_100', 'growth_pct'] });
    const objects = metrics.map((x) => ({ key: x.code, name: x.name, values: regionIndicatorValues(x) }));
    const t = computeRating(m, placesAverageInputs(m, asOf, objects));
    // per 100: R1 10 (1), R2 5 (2), R3 2 (3); growth: R3 100 (1), R1 25 (2), R2 0 (3)
    expect(t.rows.map((r) => [r.key, r.place, r.score])).toEqual([
      ['R1', 1, 1.5],
      ['R3', 2, 2],
      ['R2', 3, 2.5],
      ['R5', null, null],
      ['R4', null, null],
    ]);
  });

  it('rejects indicators that do not exist for the scope', () => {
    expect(() => placesAverageMethodology({ scope: 'channels', indicators: ['channels_per_100k'] })).toThrow(
      ValidationError,
    );
    expect(() => placesAverageMethodology({ indicators: ['subscribers', 'subscribers'] })).toThrow(
      ValidationError,
    );
  });
});

describe('views-per-post methodology', () => {
  const noon = (day: string) => moscowDayStart(day) + 12 * 3_600_000;
  const own = (day: string, views7d: number, hasText = true): PostInput => ({
    publishedAt: noon(day),
    isRepost: false,
    views24h: null,
    views7d,
    hasText,
  });
  const days = (from: string, n: number) => Array.from({ length: n }, (_, i) => addDays(from, i));
  const day = '2025-03-31';

  const x: ViewsChannel = {
    key: 'x',
    name: 'Канал Икс',
    regionCode: 'RU-A',
    observedFrom: '2024-01-01',
    posts: [
      // 12 own posts, 2–13 March, views 100…1200 → average 650
      ...days('2025-03-02', 12).map((d, i) => own(d, 100 * (i + 1))),
      { publishedAt: noon('2025-03-05'), isRepost: true, views24h: null, views7d: 1_000_000 },
      own('2025-03-06', 1_000_000, false), // no text: excluded
    ],
  };
  const y: ViewsChannel = {
    key: 'y',
    name: 'Канал Игрек',
    regionCode: 'RU-B',
    observedFrom: '2024-01-01',
    posts: days('2025-03-02', 9).map((d) => own(d, 5000)),
  };
  // Observed for 10 days only: the threshold becomes ⌈120 × 10 / 365⌉ = 4 posts.
  const z: ViewsChannel = {
    key: 'z',
    name: 'Канал Зет',
    regionCode: 'RU-A',
    observedFrom: '2025-03-22',
    posts: [own('2025-03-22', 200), own('2025-03-23', 300), own('2025-03-24', 400), own('2025-03-25', 900)],
  };

  it('ranks channels by average views at 7 days, excluding channels under 120 posts a year (pro rata)', () => {
    const m = viewsPerPostMethodology();
    const t = computeRating(m, viewsPerPostInputs(m, day, [x, y, z]));
    // threshold over 30 days: ⌈120 × 30 / 365⌉ = 10; z's 25 March post is not 7 days old yet
    expect(t.rows.map((r) => [r.key, r.place, r.score])).toEqual([
      ['x', 1, 650],
      ['z', 2, 300],
      ['y', null, null],
    ]);
    expect(t.rows[2]?.flags).toEqual([
      {
        code: 'excluded:few_posts',
        reason_ru:
          '9 публикаций с 2025-03-02 по 2025-03-31 при пороге 10 (120 в год) — не участвует в рейтинге',
        reason_en:
          '9 posts from 2025-03-02 to 2025-03-31, below the threshold of 10 (120 a year) — not ranked',
      },
    ]);
  });

  it('pools eligible channels by region: Σ views / Σ posts', () => {
    const m = viewsPerPostMethodology({ scope: 'regions' });
    const regions = [
      { code: 'RU-A', name: 'Регион А' },
      { code: 'RU-B', name: 'Регион Б' },
      { code: 'RU-C', name: 'Регион В' },
    ];
    const t = computeRating(m, viewsPerPostInputs(m, day, [x, y, z], regions));
    // (650 × 12 + 300 × 3) / 15 = 580
    expect(t.rows.map((r) => [r.key, r.place, r.score])).toEqual([
      ['RU-A', 1, 580],
      ['RU-B', null, null],
      ['RU-C', null, null],
    ]);
    expect(t.rows[2]?.flags[0]?.reason_ru).toBe('Нет каналов, прошедших порог публикаций (0 в регионе)');
    expect(m.description_ru).toContain('Σ просмотров / Σ постов');
  });

  it('carries channel flags into the region row, which stays ranked', () => {
    const flag = { code: 'anomaly:spike', day: '2025-03-20', reason_ru: 'Рост', reason_en: 'Gain' };
    const m = viewsPerPostMethodology({ scope: 'regions' });
    const t = computeRating(
      m,
      viewsPerPostInputs(m, day, [{ ...x, flags: [flag] }, y, z], [{ code: 'RU-A', name: 'А' }]),
    );
    expect(t.rows[0]).toMatchObject({ key: 'RU-A', place: 1, flags: [flag] });
  });

  it('formats large thresholds with a no-break space', () => {
    const m = viewsPerPostMethodology({ minPostsPerYear: 50_000, periodDays: 365 });
    const t = computeRating(m, viewsPerPostInputs(m, day, [x]));
    expect(t.rows[0]?.flags[0]?.reason_ru).toContain(`пороге 50${NBSP}000`);
  });
});
