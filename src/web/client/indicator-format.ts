import { formatNumber, formatPercent, type Lang, NO_VALUE } from './format.ts';

/**
 * How each indicator of the catalogue (`src/analytics/indicators.ts`) is written: counts as whole
 * numbers, per-capita figures with two decimals, shares (fractions 0…1) and percentages as `12,5 %`.
 * Unknown keys fall back to two decimals, so a new indicator is never shown wrongly rounded to zero.
 */

const WHOLE = new Set(['subscribers', 'channels', 'avg_views_24h', 'avg_views_7d']);
const SHARES = new Set(['active_share', 'complete_share']);
const PERCENTS = new Set(['growth_pct', 'reach_rate_24h_pct']);
const ONE_DECIMAL = new Set(['posts_per_week']);

export function formatIndicator(key: string, value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  if (WHOLE.has(key)) return formatNumber(value, lang);
  if (SHARES.has(key)) return formatPercent(value, lang, 1);
  if (PERCENTS.has(key)) return formatPercent(value / 100, lang, 1);
  if (ONE_DECIMAL.has(key)) return formatNumber(value, lang, 1);
  return formatNumber(value, lang, 2);
}

/** The combined score: an average place (2 decimals), a 0–100 score (1 decimal) or the single value. */
export function formatScore(
  combination: string,
  value: number | null | undefined,
  lang: Lang,
  singleKey?: string,
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  if (combination === 'rank_average') return formatNumber(value, lang, 2);
  if (combination === 'weighted_minmax') return formatNumber(value, lang, 1);
  return singleKey ? formatIndicator(singleKey, value, lang) : formatNumber(value, lang, 2);
}

/** A change with its sign: `+1 234`, `−56` (a real minus), `0`. */
export function formatSigned(value: number | null | undefined, lang: Lang, fractionDigits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  const text = formatNumber(Math.abs(value), lang, fractionDigits);
  if (value > 0) return `+${text}`;
  if (value < 0) return `\u2212${text}`;
  return text;
}

/** A percentage change (value already in percent): `+2,4 %`, `−0,8 %`. */
export function formatSignedPercent(
  value: number | null | undefined,
  lang: Lang,
  fractionDigits = 1,
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  const text = formatPercent(Math.abs(value) / 100, lang, fractionDigits);
  if (value > 0) return `+${text}`;
  if (value < 0) return `\u2212${text}`;
  return text;
}
