import { addDays, type Day, diffDays } from './calendar.ts';
import { formatNumber, formatPercent, pluralEn, pluralRu } from './format.ts';
import { averageViewsAtAge, type DailyPoint, type PostInput } from './metrics.ts';
import { MAD_TO_SD, MEAN_AD_TO_SD, mad, mean, median, ratio } from './stats.ts';

/**
 * Anomaly rules on a channel's daily subscriber series. Each daily change is compared with the changes of
 * the preceding weeks by a robust z-score: z = (change − median) / (1.4826 × MAD), where MAD is the
 * median absolute deviation of those changes. The median and MAD ignore the odd outlier, so one spike
 * does not hide the next. Flags are hints for an operator, never automatic verdicts.
 */

export type AnomalyRule = 'spike' | 'drop' | 'sudden_loss' | 'growth_without_views';

/**
 * A flagged day. For spike / drop / sudden_loss: `value` = the day's change in subscribers, `expected` =
 * the median daily change of the baseline, `score` = the robust z (null for sudden_loss without enough
 * history). For growth_without_views: `value` = subscriber growth over 7 days, %, `expected` = change of
 * average views per post at 24 h, %, `score` = the difference of the two, percentage points.
 */
export interface AnomalyFlag {
  rule: AnomalyRule;
  day: Day;
  value: number;
  expected: number | null;
  score: number | null;
  reason_ru: string;
  reason_en: string;
}

export interface AnomalyOptions {
  /** |z| from which a change is a spike or a drop (default 3.5). */
  threshold?: number;
  /** Days of preceding changes forming the baseline (default 28). */
  baselineDays?: number;
  /** Fewest baseline changes needed to compute z (default 7). */
  minBaseline?: number;
  /** Smallest deviation from the median, in subscribers, worth a flag (default 50). */
  minAbsoluteChange?: number;
  /** Loss in one day, % of the previous value, from which `sudden_loss` fires (default 10). */
  suddenLossPct?: number;
  /** growth_without_views: subscriber growth over `growthWindowDays`, % (default 10). */
  growthPct?: number;
  /** growth_without_views: largest change of average views, %, that still counts as "flat" (default 5). */
  viewsFlatPct?: number;
  /** growth_without_views window (default 7 days). */
  growthWindowDays?: number;
  /** growth_without_views: fewest posts in each window (default 3). */
  minPostsPerWindow?: number;
}

const DEFAULTS: Required<AnomalyOptions> = {
  threshold: 3.5,
  baselineDays: 28,
  minBaseline: 7,
  minAbsoluteChange: 50,
  suddenLossPct: 10,
  growthPct: 10,
  viewsFlatPct: 5,
  growthWindowDays: 7,
  minPostsPerWindow: 3,
};

/** A change of subscribers between a day and the day before. */
export interface DailyChange {
  day: Day;
  previous: number;
  change: number;
}

/**
 * Daily changes: for every day whose value was observed (not carried) and whose previous day has a
 * value, change = value − previous value. Days with a carried value (change 0 by construction) are
 * skipped, so gaps in collection do not look like calm days.
 */
export function dailyChanges(series: readonly DailyPoint[]): DailyChange[] {
  const sorted = [...series].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const out: DailyChange[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.carried || cur.subscribers === null || prev.subscribers === null) continue;
    if (diffDays(prev.day, cur.day) !== 1) continue;
    out.push({ day: cur.day, previous: prev.subscribers, change: cur.subscribers - prev.subscribers });
  }
  return out;
}

/**
 * Robust z of `x` against `baseline`: (x − median) / scale, scale = 1.4826 × MAD. When MAD is 0 (more than
 * half the changes identical) the scale falls back to 1.2533 × mean absolute deviation from the median;
 * when that is 0 too (all changes equal) the scale is 1 subscriber — the `minAbsoluteChange` guard then
 * decides. Never divides by zero.
 */
export function robustZ(
  x: number,
  baseline: readonly number[],
): { z: number; median: number; scale: number } | null {
  const m = median(baseline);
  const d = mad(baseline);
  if (m === null || d === null) return null;
  let scale = MAD_TO_SD * d;
  if (scale === 0) scale = MEAN_AD_TO_SD * (mean(baseline.map((v) => Math.abs(v - m))) ?? 0);
  if (scale === 0) scale = 1;
  return { z: (x - m) / scale, median: m, scale };
}

const SUBS_ACC: readonly [string, string, string] = ['подписчика', 'подписчика', 'подписчиков'];

function fmtMedian(m: number, lang: 'ru' | 'en'): string {
  return formatNumber(m, lang, Number.isInteger(m) ? 0 : 1);
}

/** «Рост на 4 520 подписчиков за день при медиане 35 (z = 18,2) — возможна накрутка». */
export function spikeReason(change: number, med: number, z: number): { ru: string; en: string } {
  return {
    ru:
      `Рост на ${formatNumber(change, 'ru')} ${pluralRu(change, SUBS_ACC)} за день при медиане ` +
      `${fmtMedian(med, 'ru')} (z = ${formatNumber(z, 'ru', 1)}) — возможна накрутка`,
    en:
      `Gain of ${formatNumber(change, 'en')} ${pluralEn(change, 'subscriber')} in a day against a median of ` +
      `${fmtMedian(med, 'en')} (z = ${formatNumber(z, 'en', 1)}) — possibly bought subscribers`,
  };
}

/** «Снижение на 1 200 подписчиков за день при медиане 35 (z = −9,1) — …». */
export function dropReason(change: number, med: number, z: number): { ru: string; en: string } {
  const loss = Math.abs(change);
  return {
    ru:
      `Снижение на ${formatNumber(loss, 'ru')} ${pluralRu(loss, SUBS_ACC)} за день при медиане ` +
      `${fmtMedian(med, 'ru')} (z = ${formatNumber(z, 'ru', 1)}) — возможны чистка ботов, отписки после ` +
      'публикации или сбой сбора',
    en:
      `Loss of ${formatNumber(loss, 'en')} ${pluralEn(loss, 'subscriber')} in a day against a median of ` +
      `${fmtMedian(med, 'en')} (z = ${formatNumber(z, 'en', 1)}) — bot clean-up, unsubscriptions or a ` +
      'collection error',
  };
}

/** «Потеря 12,5 % подписчиков за день (−2 500 из 20 000) — …». */
export function suddenLossReason(change: number, previous: number): { ru: string; en: string } {
  const pct = (-change / previous) * 100;
  return {
    ru:
      `Потеря ${formatPercent(pct, 'ru')} подписчиков за день (${formatNumber(change, 'ru')} из ` +
      `${formatNumber(previous, 'ru')}) — проверьте канал: блокировка, чистка ботов или ошибка сбора`,
    en:
      `Lost ${formatPercent(pct, 'en')} of subscribers in a day (${formatNumber(change, 'en')} of ` +
      `${formatNumber(previous, 'en')}) — check the channel: blocking, bot clean-up or a collection error`,
  };
}

/** «Подписчиков +18,0 % за 7 дней, а средние просмотры поста за 24 ч снизились на 3,2 % — …». */
export function growthWithoutViewsReason(
  growth: number,
  views: number,
  days: number,
): { ru: string; en: string } {
  const viewsRu =
    views < 0
      ? `снизились на ${formatPercent(-views, 'ru')}`
      : `почти не изменились (+${formatPercent(views, 'ru')})`;
  const viewsEn =
    views < 0 ? `fell by ${formatPercent(-views, 'en')}` : `barely moved (+${formatPercent(views, 'en')})`;
  return {
    ru:
      `Подписчиков +${formatPercent(growth, 'ru')} за ${days} ${pluralRu(days, ['день', 'дня', 'дней'])}, а средние ` +
      `просмотры поста за 24 ч ${viewsRu} — возможна накрутка`,
    en:
      `Subscribers +${formatPercent(growth, 'en')} over ${days} ${pluralEn(days, 'day')} while average views per ` +
      `post at 24 h ${viewsEn} — possibly bought subscribers`,
  };
}

function changeRules(series: readonly DailyPoint[], o: Required<AnomalyOptions>): AnomalyFlag[] {
  const changes = dailyChanges(series);
  const flags: AnomalyFlag[] = [];
  for (const c of changes) {
    const first = addDays(c.day, -o.baselineDays);
    const baseline = changes.filter((b) => b.day >= first && b.day < c.day).map((b) => b.change);
    const rz = baseline.length >= o.minBaseline ? robustZ(c.change, baseline) : null;
    const lossShare = c.change < 0 ? ratio(-c.change, c.previous) : null;
    const base = { day: c.day, value: c.change, expected: rz?.median ?? null, score: rz?.z ?? null };
    if (lossShare !== null && lossShare * 100 >= o.suddenLossPct && -c.change >= o.minAbsoluteChange) {
      flags.push({ rule: 'sudden_loss', ...base, ...prefix(suddenLossReason(c.change, c.previous)) });
      continue;
    }
    if (!rz) continue;
    if (rz.z >= o.threshold && c.change - rz.median >= o.minAbsoluteChange) {
      flags.push({ rule: 'spike', ...base, ...prefix(spikeReason(c.change, rz.median, rz.z)) });
    } else if (rz.z <= -o.threshold && rz.median - c.change >= o.minAbsoluteChange) {
      flags.push({ rule: 'drop', ...base, ...prefix(dropReason(c.change, rz.median, rz.z)) });
    }
  }
  return flags;
}

function prefix(r: { ru: string; en: string }): { reason_ru: string; reason_en: string } {
  return { reason_ru: r.ru, reason_en: r.en };
}

function growthWithoutViews(
  series: readonly DailyPoint[],
  posts: readonly PostInput[],
  o: Required<AnomalyOptions>,
): AnomalyFlag[] {
  const w = o.growthWindowDays;
  const value = new Map(series.map((p) => [p.day, p.subscribers]));
  const days = series.map((p) => p.day).sort();
  const flags: AnomalyFlag[] = [];
  let previousHeld = false;
  for (const day of days) {
    const cur = value.get(day) ?? null;
    const prev = value.get(addDays(day, -w)) ?? null;
    const growth = cur === null || prev === null ? null : ratio(cur - prev, prev);
    const now = averageViewsAtAge(posts, day, '24h', { windowDays: w });
    const before = averageViewsAtAge(posts, addDays(day, -w), '24h', { windowDays: w });
    const enough = now.posts >= o.minPostsPerWindow && before.posts >= o.minPostsPerWindow;
    const viewsChange = enough ? ratio((now.average ?? 0) - (before.average ?? 0), before.average) : null;
    const held =
      growth !== null &&
      viewsChange !== null &&
      growth * 100 > o.growthPct &&
      viewsChange * 100 <= o.viewsFlatPct;
    if (held && !previousHeld && growth !== null && viewsChange !== null) {
      const g = growth * 100;
      const v = viewsChange * 100;
      flags.push({
        rule: 'growth_without_views',
        day,
        value: g,
        expected: v,
        score: g - v,
        ...prefix(growthWithoutViewsReason(g, v, w)),
      });
    }
    previousHeld = held;
  }
  return flags;
}

/**
 * Runs every rule over the series (and the posts, for growth_without_views; pass null when posts are not
 * collected). Rules:
 * - `spike`: z ≥ threshold and the change exceeds the median by ≥ minAbsoluteChange (bought-subscribers
 *   pattern: a large one-day jump);
 * - `drop`: z ≤ −threshold and the change is below the median by ≥ minAbsoluteChange;
 * - `sudden_loss`: a one-day loss of ≥ suddenLossPct % of the previous value (and ≥ minAbsoluteChange);
 *   it replaces `drop` for that day and needs no baseline;
 * - `growth_without_views`: subscribers grew by > growthPct % over 7 days while average views per post
 *   at 24 h changed by ≤ viewsFlatPct % against the 7 days before; reported on the first day of a run.
 * Flags are sorted by day, then rule.
 */
export function detectAnomalies(
  series: readonly DailyPoint[],
  posts: readonly PostInput[] | null,
  options: AnomalyOptions = {},
): AnomalyFlag[] {
  const o = { ...DEFAULTS, ...options };
  const flags = [...changeRules(series, o), ...(posts ? growthWithoutViews(series, posts, o) : [])];
  return flags.sort((a, b) =>
    a.day < b.day ? -1 : a.day > b.day ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0,
  );
}
