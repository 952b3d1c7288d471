import { describe, expect, it } from 'vitest';
import { MS_PER_DAY, moscowDayStart } from '../../src/analytics/calendar.ts';
import {
  averageViewsAtAge,
  changeBetween,
  changeOver,
  channelMetrics,
  type DailyPoint,
  type PostInput,
  pageCompleteness,
  postsPerWeek,
  reachRate24h,
  subscribersAt,
} from '../../src/analytics/metrics.ts';

const series: DailyPoint[] = [
  { day: '2025-02-28', subscribers: 800, carried: false },
  { day: '2025-03-24', subscribers: 950, carried: false },
  { day: '2025-03-30', subscribers: 990, carried: true },
  { day: '2025-03-31', subscribers: 1000, carried: false },
];
const asOf = '2025-03-31';

function post(
  publishedAt: number,
  views24h: number | null,
  views7d: number | null,
  isRepost = false,
): PostInput {
  return { publishedAt, isRepost, views24h, views7d };
}

describe('subscriber changes', () => {
  it('reads the value at the end of a day, carried values included', () => {
    expect(subscribersAt(series, '2025-03-30')).toBe(990);
    expect(subscribersAt(series, '2025-03-29')).toBeNull();
  });

  it('computes day, week, calendar-month and custom changes (absolute and %)', () => {
    expect(changeOver(series, asOf, 'day')).toEqual({
      from: '2025-03-30',
      to: asOf,
      start: 990,
      end: 1000,
      absolute: 10,
      percent: (10 / 990) * 100,
    });
    expect(changeOver(series, asOf, 'week')).toMatchObject({ from: '2025-03-24', absolute: 50 });
    expect(changeOver(series, asOf, 'week').percent).toBeCloseTo(5.263157894736842, 12);
    // 31 March − 1 month = 28 February (clamped).
    expect(changeOver(series, asOf, 'month')).toMatchObject({
      from: '2025-02-28',
      absolute: 200,
      percent: 25,
    });
    expect(changeOver(series, asOf, { days: 60 })).toEqual({
      from: '2025-01-30',
      to: asOf,
      start: null,
      end: 1000,
      absolute: null,
      percent: null,
    });
  });

  it('gives no percentage from a zero start', () => {
    expect(changeBetween('2025-01-01', '2025-01-02', 0, 5)).toMatchObject({ absolute: 5, percent: null });
  });
});

describe('posts per week', () => {
  // The 28-day window ending 31 March (MSK) starts at 00:00 MSK on 4 March = 21:00 UTC on 3 March.
  const inside = Array.from({ length: 10 }, (_, i) => post(Date.UTC(2025, 2, 10 + i, 9), null, null, i < 3));
  const posts = [
    post(Date.UTC(2025, 2, 3, 20, 59), null, null), // 3 March 23:59 MSK — outside
    post(Date.UTC(2025, 2, 3, 21, 0), null, null), // 4 March 00:00 MSK — inside
    post(Date.UTC(2025, 2, 31, 20, 59), null, null), // 31 March 23:59 MSK — inside
    post(Date.UTC(2025, 2, 31, 21, 0), null, null), // 1 April 00:00 MSK — outside
    ...inside,
  ];

  it('counts posts of the last 28 Moscow days / 4', () => {
    expect(postsPerWeek(posts, asOf)).toBe(12 / 4);
    expect(postsPerWeek(posts, asOf, { includeReposts: false })).toBe(9 / 4);
    expect(postsPerWeek(posts, asOf, { windowDays: 7 })).toBe(1);
  });
});

describe('average views at a fixed age', () => {
  // A post is 24 h old at the end of 31 March if published by 00:00 MSK on 31 March.
  const matured = moscowDayStart('2025-03-31');
  const posts: PostInput[] = [
    post(matured, 100, null), // exactly 24 h old: counted
    post(matured + 1, 500, null), // too young
    post(matured - 2 * MS_PER_DAY, 200, null),
    post(matured - 3 * MS_PER_DAY, 10_000, 10_000, true), // repost: never counted
    post(matured - 10 * MS_PER_DAY, null, 300), // 24 h views not observed
    post(matured - 30 * MS_PER_DAY, 7000, 600), // reached 24 h 30 days ago: outside; reached 7 d inside
    post(matured - 29 * MS_PER_DAY, 300, 450),
  ];

  it('averages posts that reached 24 h within the last 30 days, reposts excluded', () => {
    expect(averageViewsAtAge(posts, asOf, '24h')).toEqual({ age: '24h', average: 200, posts: 3 });
  });

  it('averages posts that reached 7 days within the last 30 days', () => {
    // 7-day maturity is 6 days earlier, so the 30-day-old 24 h post is inside the 7-day window.
    expect(averageViewsAtAge(posts, asOf, '7d')).toEqual({ age: '7d', average: 450, posts: 3 });
  });

  it('computes reach_rate_24h as a fraction and a percentage, null without a denominator', () => {
    expect(reachRate24h(200, 1000)).toEqual({ fraction: 0.2, percent: 20 });
    expect(reachRate24h(200, 0)).toBeNull();
    expect(reachRate24h(null, 1000)).toBeNull();
  });
});

describe('page completeness', () => {
  it('scores present elements / 5 and lists the missing ones (blank text counts as missing)', () => {
    expect(
      pageCompleteness({
        title: 'Минздрав Республики',
        description: '   ',
        hasAvatar: true,
        phone: null,
        address: 'ул. Ленина, 1',
        link: null,
      }),
    ).toEqual({ score: 0.6, complete: false, missing: ['description', 'link'] });
    expect(
      pageCompleteness({
        title: 'Школа № 5',
        description: 'Официальный канал',
        hasAvatar: true,
        phone: '+7 900 000-00-00',
        address: null,
        link: 'https://school5.example',
      }),
    ).toEqual({ score: 1, complete: true, missing: [] });
    expect(
      pageCompleteness({
        title: null,
        description: null,
        hasAvatar: false,
        phone: '',
        address: ' ',
        link: '',
      }),
    ).toEqual({ score: 0, complete: false, missing: ['title', 'description', 'avatar', 'contacts', 'link'] });
  });
});

describe('channelMetrics', () => {
  it('puts every figure together at the as-of day', () => {
    const matured = moscowDayStart(asOf);
    const posts = [post(matured - MS_PER_DAY, 150, null), post(matured - 2 * MS_PER_DAY, 250, null)];
    const m = channelMetrics({ series, posts, page: null }, asOf, { customPeriod: { days: 7 } });
    expect(m.subscribers).toBe(1000);
    expect(m.carried).toBe(false);
    expect(m.change.month.absolute).toBe(200);
    expect(m.change.custom?.absolute).toBe(50);
    expect(m.postsPerWeek).toBe(0.5);
    expect(m.views24h).toEqual({ age: '24h', average: 200, posts: 2 });
    expect(m.reachRate24h).toEqual({ fraction: 0.2, percent: 20 });
    expect(m.completeness).toBeNull();
  });

  it('keeps post figures null when posts are not collected', () => {
    const m = channelMetrics({ series, posts: null, page: null }, '2025-03-30');
    expect(m).toMatchObject({
      subscribers: 990,
      carried: true,
      postsPerWeek: null,
      views7d: null,
      reachRate24h: null,
    });
  });
});
