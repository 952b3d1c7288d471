/**
 * Number formatting for human-readable texts (anomaly reasons, notes). Written by hand rather than with
 * Intl so the output is identical on every Node build: Russian uses a no-break space (U+00A0) between
 * thousands and a decimal comma; English uses a comma between thousands and a decimal point. Negative
 * numbers use the minus sign U+2212 in Russian and a hyphen-minus in English.
 */

import { MOSCOW_OFFSET_MS } from './calendar.ts';

export type Lang = 'ru' | 'en';

/** No-break space, the Russian thousands separator. */
export const NBSP = '\u00a0';

/** Formats `value` with `digits` decimals (trailing zeros kept), grouped by thousands. */
export function formatNumber(value: number, lang: Lang, digits = 0): string {
  const negative = value < 0 && Math.abs(value) >= 0.5 * 10 ** -digits;
  const fixed = Math.abs(value).toFixed(digits);
  const [intPart = '0', frac] = fixed.split('.');
  const sep = lang === 'ru' ? NBSP : ',';
  // Russian style leaves four-digit numbers ungrouped only in some styles; we always group (4 520).
  const grouped = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  const body = frac === undefined ? grouped : `${grouped}${lang === 'ru' ? ',' : '.'}${frac}`;
  if (!negative) return body;
  return `${lang === 'ru' ? '\u2212' : '-'}${body}`;
}

/** Formats a percentage: formatPercent(12.5,'ru') = '12,5 %' (space before % in Russian), '12.5%' in English. */
export function formatPercent(value: number, lang: Lang, digits = 1): string {
  const n = formatNumber(value, lang, digits);
  return lang === 'ru' ? `${n}${NBSP}%` : `${n}%`;
}

/**
 * Russian plural form for a whole number: forms = [one, few, many], e.g.
 * ['подписчик', 'подписчика', 'подписчиков'] → 1 подписчик, 3 подписчика, 5 подписчиков, 11 подписчиков,
 * 21 подписчик.
 */
export function pluralRu(n: number, forms: readonly [string, string, string]): string {
  const a = Math.abs(Math.trunc(n));
  const d10 = a % 10;
  const d100 = a % 100;
  if (d10 === 1 && d100 !== 11) return forms[0];
  if (d10 >= 2 && d10 <= 4 && (d100 < 12 || d100 > 14)) return forms[1];
  return forms[2];
}

/** English plural: "1 subscriber", "2 subscribers". */
export function pluralEn(n: number, singular: string, plural = `${singular}s`): string {
  return Math.abs(n) === 1 ? singular : plural;
}

/** A day (YYYY-MM-DD) as people read it: `28.11.2026` in Russian, ISO `2026-11-28` in English. */
export function formatDay(day: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m && lang === 'ru' ? `${m[3]}.${m[2]}.${m[1]}` : day;
}

/** An instant (epoch ms or ISO) in Moscow time to the minute: `28.11.2026 23:00 МСК` / `2026-11-28 23:00 MSK`. */
export function formatMoscowTime(instant: number | string, lang: Lang): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (Number.isNaN(ms)) return String(instant);
  const iso = new Date(ms + MOSCOW_OFFSET_MS).toISOString();
  return `${formatDay(iso.slice(0, 10), lang)} ${iso.slice(11, 16)} ${lang === 'ru' ? 'МСК' : 'MSK'}`;
}
