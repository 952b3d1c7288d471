import { ValidationError } from '../shared/errors.ts';

/**
 * Calendar arithmetic on Moscow days. A day is a 'YYYY-MM-DD' string; Moscow time is UTC+3 all year
 * (no daylight saving since 2014), so a Moscow day starts at 21:00 UTC of the previous UTC day.
 * Nothing here reads the clock: every instant is an input.
 */

/** A calendar day 'YYYY-MM-DD' (Moscow time when derived from an instant). */
export type Day = string;

export const MS_PER_DAY = 86_400_000;
/** Moscow offset from UTC, in milliseconds (UTC+3, constant). */
export const MOSCOW_OFFSET_MS = 3 * 3_600_000;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `value` is a real calendar day in 'YYYY-MM-DD' form (2025-02-30 is not). */
export function isDay(value: string): boolean {
  const m = DAY_RE.exec(value);
  if (!m) return false;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === value;
}

/** Throws a ValidationError unless `value` is a valid day. */
export function assertDay(value: string, what = 'day'): Day {
  if (!isDay(value)) throw new ValidationError(`${what}: expected a date YYYY-MM-DD, got "${value}"`);
  return value;
}

/** Days since 1970-01-01 (the day number); inverse of `dayFromNumber`. */
export function dayNumber(day: Day): number {
  assertDay(day);
  return Date.parse(`${day}T00:00:00Z`) / MS_PER_DAY;
}

export function dayFromNumber(n: number): Day {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The Moscow calendar day of an instant (epoch milliseconds). */
export function moscowDay(ms: number): Day {
  if (!Number.isFinite(ms)) throw new ValidationError(`moscowDay: not a finite instant: ${ms}`);
  return new Date(ms + MOSCOW_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant (epoch ms) at which the Moscow day starts (00:00 MSK = 21:00 UTC the day before). */
export function moscowDayStart(day: Day): number {
  return dayNumber(day) * MS_PER_DAY - MOSCOW_OFFSET_MS;
}

/**
 * The instant at which the Moscow day ends (exclusive): 24:00 MSK, i.e. the start of the next day.
 * A "value at the end of the day" is the last value observed before this instant.
 */
export function moscowDayEnd(day: Day): number {
  return moscowDayStart(day) + MS_PER_DAY;
}

/** `day` shifted by `n` days (negative goes back). */
export function addDays(day: Day, n: number): Day {
  if (!Number.isInteger(n)) throw new ValidationError(`addDays: not a whole number of days: ${n}`);
  return dayFromNumber(dayNumber(day) + n);
}

/** Number of days from `from` to `to` (positive when `to` is later): diffDays('2025-01-01','2025-01-08') = 7. */
export function diffDays(from: Day, to: Day): number {
  return dayNumber(to) - dayNumber(from);
}

/**
 * The same day `n` calendar months later (earlier when negative), clamped to the end of a shorter month:
 * addMonths('2025-03-31', -1) = '2025-02-28'.
 */
export function addMonths(day: Day, n: number): Day {
  assertDay(day);
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7)) - 1 + n;
  const date = Number(day.slice(8, 10));
  const y = year + Math.floor(month / 12);
  const m = ((month % 12) + 12) % 12;
  const lastDate = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(date, lastDate))).toISOString().slice(0, 10);
}

/** Every day from `from` to `to` inclusive (empty when `to` is before `from`). */
export function dayRange(from: Day, to: Day): Day[] {
  const start = dayNumber(from);
  const end = dayNumber(to);
  const days: Day[] = [];
  for (let n = start; n <= end; n++) days.push(dayFromNumber(n));
  return days;
}

/** Day of the week, ISO numbering: Monday = 1 … Sunday = 7. */
export function isoWeekday(day: Day): number {
  // 1970-01-01 was a Thursday (4).
  return ((((dayNumber(day) + 3) % 7) + 7) % 7) + 1;
}

/** The Monday of the ISO week containing `day`. */
export function weekStart(day: Day): Day {
  return addDays(day, 1 - isoWeekday(day));
}

/**
 * ISO-8601 week key 'YYYY-Www' (weeks start on Monday; week 1 contains the year's first Thursday), so
 * '2024-12-30' belongs to '2025-W01'. Used to bucket daily values by week.
 */
export function isoWeekKey(day: Day): string {
  const thursday = addDays(day, 4 - isoWeekday(day));
  const year = thursday.slice(0, 4);
  const week = Math.floor(diffDays(`${year}-01-01`, thursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Month bucket key 'YYYY-MM'. */
export function monthKey(day: Day): string {
  assertDay(day);
  return day.slice(0, 7);
}
