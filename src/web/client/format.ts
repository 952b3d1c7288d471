/**
 * Every number, date and percentage the dashboard shows goes through here, so Russian formats are
 * uniform: `12 345` (no-break space as Intl produces it), `1,37 %`, `28.11.2026`. English uses `12,345`,
 * `1.37%`, `28 Nov 2026` (day-month order, unambiguous). Pure functions, no DOM.
 */

export type Lang = 'ru' | 'en';

const LOCALE: Record<Lang, string> = { ru: 'ru-RU', en: 'en-GB' };

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(lang: Lang, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${lang}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(LOCALE[lang], options);
    cache.set(key, format);
  }
  return format as Intl.NumberFormat;
}

function dateFormat(lang: Lang, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${lang}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALE[lang], options);
    cache.set(key, format);
  }
  return format as Intl.DateTimeFormat;
}

/** Shown where a figure is missing (no population estimate, no data yet). */
export const NO_VALUE = '—';

/** Whole numbers with group separators: `12 345` / `12,345`. */
export function formatNumber(value: number | null | undefined, lang: Lang, fractionDigits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  return numberFormat(lang, {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(value);
}

/** A share (0.0137) as a percentage: `1,37 %` / `1.37%`. */
export function formatPercent(share: number | null | undefined, lang: Lang, fractionDigits = 2): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return NO_VALUE;
  return numberFormat(lang, {
    style: 'percent',
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(share);
}

/** Short form for legends and axes: `13,3 млн` / `13.3M`. */
export function formatCompact(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  return numberFormat(lang, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/**
 * A value axis tick: every tick distinct. Ticks are round numbers (multiples of 1, 2 or 5 × 10ⁿ), so the short
 * form keeps all their significant digits (`5,725 млн`, not `5,7 млн` for 5 700 000 and 5 725 000 alike); below
 * 100 000 the whole number (`12 502`).
 */
export function formatAxisTick(value: number, lang: Lang): string {
  if (!Number.isFinite(value)) return NO_VALUE;
  if (Math.abs(value) < 100_000) return numberFormat(lang, { maximumFractionDigits: 2 }).format(value);
  return numberFormat(lang, { notation: 'compact', maximumSignificantDigits: 6 }).format(value);
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` or a full ISO instant; undefined when it is neither. */
function parseDate(value: string): { date: Date; dayOnly: boolean } | undefined {
  const day = DAY.exec(value);
  if (day) {
    const date = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    return Number.isNaN(date.getTime()) ? undefined : { date, dayOnly: true };
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : { date, dayOnly: false };
}

/**
 * A calendar day: `28.11.2026` / `28 Nov 2026`. A `YYYY-MM-DD` day is shown as written (no time-zone
 * shift); an instant is shown as the viewer's local day.
 */
export function formatDate(value: string | number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || value === '') return NO_VALUE;
  const parsed = typeof value === 'number' ? { date: new Date(value), dayOnly: false } : parseDate(value);
  if (!parsed || Number.isNaN(parsed.date.getTime())) return typeof value === 'string' ? value : NO_VALUE;
  const options: Intl.DateTimeFormatOptions =
    lang === 'ru'
      ? { day: '2-digit', month: '2-digit', year: 'numeric' }
      : { day: 'numeric', month: 'short', year: 'numeric' };
  if (parsed.dayOnly) options.timeZone = 'UTC';
  return dateFormat(lang, options).format(parsed.date);
}

/** An instant with minutes, in the viewer's time zone: `28.11.2026, 15:30` / `28 Nov 2026, 15:30`. */
export function formatDateTime(value: string | number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || value === '') return NO_VALUE;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const options: Intl.DateTimeFormatOptions =
    lang === 'ru'
      ? { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }
      : {
          day: 'numeric',
          month: 'short',
          year: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
          hour12: false,
        };
  return dateFormat(lang, options).format(date);
}

/** A day (YYYY-MM-DD) as typed in a date field: `01.12.2025` in Russian, ISO `2025-12-01` in English. */
export function formatDayInput(day: string | null | undefined, lang: Lang): string {
  if (!day || !DAY.test(day)) return day ?? '';
  return lang === 'ru' ? day.split('-').reverse().join('.') : day;
}

/**
 * A day typed in a date field — `1.12.2025`, `01.12.2025`, `01/12/2025` (day first, as in Russia) or ISO
 * `2025-12-01` — as YYYY-MM-DD; null for an empty field; undefined when it is not a calendar day.
 */
export function parseDayInput(text: string): string | null | undefined {
  const value = text.trim();
  if (value === '') return null;
  const dayFirst = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(value);
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  const parts = dayFirst ? [dayFirst[3], dayFirst[2], dayFirst[1]] : iso ? [iso[1], iso[2], iso[3]] : null;
  if (!parts) return undefined;
  const [year, month, day] = parts.map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
