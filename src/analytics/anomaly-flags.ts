import type { AnomalyFlag, AnomalyRule } from './anomaly.ts';
import type { Day } from './calendar.ts';
import type { RatingFlag } from './methodology.ts';
import type { DailyPoint } from './metrics.ts';

/**
 * What happens to anomaly flags after an operator reviewed them. An unconfirmed flag leaves the data as
 * is and travels with the rating row as a note. A confirmed spike / drop / sudden_loss means the day's
 * value is wrong for rating purposes: the input provider removes it with `excludeConfirmedSpikes`.
 */

/** A flag with its review state. */
export interface ReviewedFlag {
  rule: AnomalyRule;
  day: Day;
  confirmed: boolean;
  reason_ru?: string;
  reason_en?: string;
}

/** Rules whose confirmed days are removed from the series. */
export const EXCLUDABLE_RULES: readonly AnomalyRule[] = ['spike', 'drop', 'sudden_loss'];

/**
 * How a confirmed day is removed:
 * - 'carry' (default): the day gets the last value before it that is not itself excluded, marked
 *   carried — right for a one-day glitch that comes back the next day;
 * - 'level': the same, and every later day is shifted by the removed jump — right for bought
 *   subscribers that stay (the later growth is kept, the jump is not).
 */
export type ExclusionMode = 'carry' | 'level';

/**
 * Returns a copy of the series with confirmed spike/drop/sudden_loss days replaced by the carried-forward
 * value. Unconfirmed flags and growth_without_views flags change nothing. A confirmed day with no value
 * before it becomes null.
 */
export function excludeConfirmedSpikes(
  series: readonly DailyPoint[],
  flags: readonly ReviewedFlag[],
  mode: ExclusionMode = 'carry',
): DailyPoint[] {
  const excluded = new Set(
    flags.filter((f) => f.confirmed && EXCLUDABLE_RULES.includes(f.rule)).map((f) => f.day),
  );
  const sorted = [...series].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const out: DailyPoint[] = [];
  let last: number | null = null;
  let offset = 0;
  for (const p of sorted) {
    if (excluded.has(p.day)) {
      if (mode === 'level' && last !== null && p.subscribers !== null)
        offset += p.subscribers - offset - last;
      out.push({ day: p.day, subscribers: last, carried: true });
      continue;
    }
    const value = p.subscribers === null ? null : p.subscribers - offset;
    out.push({ ...p, subscribers: value });
    if (value !== null) last = value;
  }
  return out;
}

/** The notes a rating row carries: unconfirmed flags only (confirmed ones were removed from the data). */
export function ratingFlagsOf(flags: readonly (AnomalyFlag & { confirmed?: boolean })[]): RatingFlag[] {
  return flags
    .filter((f) => f.confirmed !== true)
    .map((f) => ({ code: `anomaly:${f.rule}`, day: f.day, reason_ru: f.reason_ru, reason_en: f.reason_en }));
}
