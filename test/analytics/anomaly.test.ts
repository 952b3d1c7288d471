import { describe, expect, it } from 'vitest';
import { dailyChanges, detectAnomalies, robustZ } from '../../src/analytics/anomaly.ts';
import { excludeConfirmedSpikes, ratingFlagsOf } from '../../src/analytics/anomaly-flags.ts';
import { addDays, moscowDayStart } from '../../src/analytics/calendar.ts';
import { NBSP } from '../../src/analytics/format.ts';
import type { DailyPoint, PostInput } from '../../src/analytics/metrics.ts';

const START = '2025-01-01';

/** A series starting at `first` followed by the given daily changes (all observed). */
function fromChanges(first: number, changes: number[], start = START): DailyPoint[] {
  const out: DailyPoint[] = [{ day: start, subscribers: first, carried: false }];
  let v = first;
  changes.forEach((c, i) => {
    v += c;
    out.push({ day: addDays(start, i + 1), subscribers: v, carried: false });
  });
  return out;
}

// 28 baseline changes cycling −297, 35, 367, 35: median 35; |deviations| fourteen 0s and fourteen 332s → MAD 166.
const BASELINE = Array.from({ length: 28 }, (_, i) => [-297, 35, 367, 35][i % 4]!);
const SCALE = 1.4826 * 166;

describe('robust z-score', () => {
  it('uses median and 1.4826 × MAD', () => {
    expect(robustZ(4520, BASELINE)).toEqual({ z: (4520 - 35) / SCALE, median: 35, scale: SCALE });
  });

  it('falls back to the mean absolute deviation, then to 1, when MAD is 0 (no division by zero)', () => {
    const mostlySame = [...Array.from({ length: 27 }, () => 35), 63];
    // MAD = 0; mean |x − 35| = 28 / 28 = 1 → scale 1.2533
    expect(robustZ(535, mostlySame)).toEqual({ z: 500 / 1.2533, median: 35, scale: 1.2533 });
    expect(
      robustZ(
        535,
        Array.from({ length: 28 }, () => 35),
      ),
    ).toEqual({ z: 500, median: 35, scale: 1 });
    expect(robustZ(1, [])).toBeNull();
  });
});

describe('detectAnomalies: spike, drop, sudden_loss', () => {
  it('flags a bought-subscribers jump with a readable reason', () => {
    const series = fromChanges(10_000, [...BASELINE, 4520, 35, -297, 367]);
    const flags = detectAnomalies(series, null);
    expect(flags).toEqual([
      {
        rule: 'spike',
        day: addDays(START, 29),
        value: 4520,
        expected: 35,
        score: 4485 / SCALE, // 18.22…
        reason_ru: `Рост на 4${NBSP}520 подписчиков за день при медиане 35 (z = 18,2) — возможна накрутка`,
        reason_en:
          'Gain of 4,520 subscribers in a day against a median of 35 (z = 18.2) — possibly bought subscribers',
      },
    ]);
  });

  it('flags an unusual drop that is not a sudden loss', () => {
    // −3 000 on ~100 000 is 3 %, below the 10 % sudden-loss line: z = (−3000 − 35) / 246.1116 = −12.33
    const flags = detectAnomalies(fromChanges(100_000, [...BASELINE, -3000]), null);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ rule: 'drop', value: -3000, expected: 35 });
    expect(flags[0]?.score).toBeCloseTo(-3035 / SCALE, 10);
    expect(flags[0]?.reason_ru).toBe(
      `Снижение на 3${NBSP}000 подписчиков за день при медиане 35 (z = \u221212,3) — возможны чистка ботов, ` +
        'отписки после публикации или сбой сбора',
    );
  });

  it('flags a sudden loss of ≥ 10 % even without a baseline', () => {
    const flags = detectAnomalies(fromChanges(1000, [10, -310]), null);
    expect(flags).toEqual([
      {
        rule: 'sudden_loss',
        day: addDays(START, 2),
        value: -310,
        expected: null,
        score: null,
        reason_ru:
          `Потеря 30,7${NBSP}% подписчиков за день (\u2212310 из 1${NBSP}010) — проверьте канал: блокировка, ` +
          'чистка ботов или ошибка сбора',
        reason_en:
          'Lost 30.7% of subscribers in a day (-310 of 1,010) — check the channel: blocking, bot clean-up or a collection error',
      },
    ]);
  });

  it('with MAD = 0 ignores small deviations and still flags a real jump', () => {
    const steady = Array.from({ length: 28 }, () => 35);
    expect(detectAnomalies(fromChanges(5000, [...steady, 36, 40, 60]), null)).toEqual([]);
    const flags = detectAnomalies(fromChanges(5000, [...steady, 535]), null);
    expect(flags.map((f) => [f.rule, f.value, f.expected, f.score])).toEqual([['spike', 535, 35, 500]]);
    expect(JSON.stringify(flags)).not.toMatch(/NaN|Infinity/);
  });

  it('needs 7 baseline changes before judging by z', () => {
    expect(detectAnomalies(fromChanges(5000, [35, 35, 35, 35, 35, 35, 4000]), null)).toEqual([]);
    expect(detectAnomalies(fromChanges(5000, [35, 35, 35, 35, 35, 35, 35, 4000]), null)).toHaveLength(1);
  });

  it('skips carried days and gaps when computing daily changes', () => {
    const series: DailyPoint[] = [
      { day: '2025-01-01', subscribers: 100, carried: false },
      { day: '2025-01-02', subscribers: 100, carried: true },
      { day: '2025-01-03', subscribers: 200, carried: false },
      { day: '2025-01-05', subscribers: 260, carried: false },
      { day: '2025-01-06', subscribers: null, carried: false },
    ];
    expect(dailyChanges(series)).toEqual([{ day: '2025-01-03', previous: 100, change: 100 }]);
  });
});

describe('detectAnomalies: growth_without_views', () => {
  // Subscribers flat at 10 000 until 10 March, then +400 a day; one post a day at noon (MSK).
  const days = Array.from({ length: 16 }, (_, i) => addDays('2025-03-01', i));
  const series: DailyPoint[] = days.map((day, i) => ({
    day,
    subscribers: i < 10 ? 10_000 : 10_000 + 400 * (i - 9),
    carried: false,
  }));
  const postsWith = (views: (day: string) => number): PostInput[] =>
    Array.from({ length: 30 }, (_, i) => addDays('2025-02-15', i)).map((day) => ({
      publishedAt: moscowDayStart(day) + 12 * 3_600_000,
      isRepost: false,
      views24h: views(day),
      views7d: null,
    }));

  it('flags growth > 10 % in 7 days while views per post stay flat, once per run', () => {
    const flags = detectAnomalies(
      series,
      postsWith(() => 500),
    ).filter((f) => f.rule === 'growth_without_views');
    // 13 March: 11 200 vs 10 000 on 6 March = +12 %; views of both weeks average 500 (+0 %)
    expect(flags).toEqual([
      {
        rule: 'growth_without_views',
        day: '2025-03-13',
        value: 12,
        expected: 0,
        score: 12,
        reason_ru: `Подписчиков +12,0${NBSP}% за 7 дней, а средние просмотры поста за 24 ч почти не изменились (+0,0${NBSP}%) — возможна накрутка`,
        reason_en:
          'Subscribers +12.0% over 7 days while average views per post at 24 h barely moved (+0.0%) — possibly bought subscribers',
      },
    ]);
  });

  it('does not flag growth that comes with growing views, nor without post data', () => {
    const rising = postsWith((day) => (day >= '2025-03-06' ? 800 : 500));
    expect(detectAnomalies(series, rising).filter((f) => f.rule === 'growth_without_views')).toEqual([]);
    expect(detectAnomalies(series, null).filter((f) => f.rule === 'growth_without_views')).toEqual([]);
  });
});

describe('confirmed flags', () => {
  const points = (values: (number | null)[]): DailyPoint[] =>
    values.map((v, i) => ({ day: addDays(START, i), subscribers: v, carried: false }));
  const day = (i: number) => addDays(START, i);

  it('replaces confirmed spike days by the carried-forward value; unconfirmed flags change nothing', () => {
    const series = points([100, 110, 5110, 120, 130]);
    expect(excludeConfirmedSpikes(series, [{ rule: 'spike', day: day(2), confirmed: true }])).toEqual([
      ...points([100, 110]),
      { day: day(2), subscribers: 110, carried: true },
      ...points([100, 110, 5110, 120, 130]).slice(3),
    ]);
    expect(excludeConfirmedSpikes(series, [{ rule: 'spike', day: day(2), confirmed: false }])).toEqual(
      series,
    );
    expect(
      excludeConfirmedSpikes(series, [{ rule: 'growth_without_views', day: day(2), confirmed: true }]),
    ).toEqual(series);
  });

  it('carries the last good value over consecutive confirmed days, null when nothing precedes', () => {
    const out = excludeConfirmedSpikes(points([100, 5100, 5200, 130]), [
      { rule: 'spike', day: day(1), confirmed: true },
      { rule: 'spike', day: day(2), confirmed: true },
    ]);
    expect(out.map((p) => p.subscribers)).toEqual([100, 100, 100, 130]);
    const first = excludeConfirmedSpikes(points([5000, 100]), [
      { rule: 'spike', day: day(0), confirmed: true },
    ]);
    expect(first.map((p) => [p.subscribers, p.carried])).toEqual([
      [null, true],
      [100, false],
    ]);
  });

  it("in 'level' mode also removes a jump that stays", () => {
    const out = excludeConfirmedSpikes(
      points([100, 110, 5110, 5120, 5130]),
      [{ rule: 'spike', day: day(2), confirmed: true }],
      'level',
    );
    expect(out.map((p) => p.subscribers)).toEqual([100, 110, 110, 120, 130]);
  });

  it('turns unconfirmed flags into rating notes and drops confirmed ones', () => {
    const [spike] = detectAnomalies(fromChanges(10_000, [...BASELINE, 4520]), null);
    if (!spike) throw new Error('expected a spike');
    expect(ratingFlagsOf([spike, { ...spike, day: '2025-02-01', confirmed: true }])).toEqual([
      { code: 'anomaly:spike', day: spike.day, reason_ru: spike.reason_ru, reason_en: spike.reason_en },
    ]);
  });
});
