import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatAxisTick,
  formatCompact,
  formatDate,
  formatDateTime,
  formatDayInput,
  formatNumber,
  formatPercent,
  NO_VALUE,
  parseDayInput,
} from '../../src/web/client/format.ts';

const NBSP = '\u00a0';

describe('format (Russian first)', () => {
  it('groups thousands with the no-break space Intl produces', () => {
    expect(formatNumber(12_345, 'ru')).toBe(`12${NBSP}345`);
    expect(formatNumber(148_241_321, 'ru')).toBe(`148${NBSP}241${NBSP}321`);
    expect(formatNumber(999, 'ru')).toBe('999');
    expect(formatNumber(12_345, 'en')).toBe('12,345');
    expect(formatNumber(1234.5, 'ru', 1)).toBe(`1${NBSP}234,5`);
  });

  it('writes percentages with a decimal comma and a spaced sign', () => {
    expect(formatPercent(0.0137, 'ru')).toBe(`1,37${NBSP}%`);
    expect(formatPercent(0.5, 'ru', 0)).toBe(`50${NBSP}%`);
    expect(formatPercent(0.0137, 'en')).toBe('1.37%');
  });

  it('writes calendar days as dd.mm.yyyy without a time-zone shift', () => {
    expect(formatDate('2026-11-28', 'ru')).toBe('28.11.2026');
    expect(formatDate('2025-01-01', 'ru')).toBe('01.01.2025');
    expect(formatDate('2025-12-31', 'ru')).toBe('31.12.2025');
    expect(formatDate('2026-11-28', 'en')).toBe('28 Nov 2026');
  });

  it('writes instants with the local time', () => {
    // Midday UTC is the same calendar day in every inhabited time zone.
    expect(formatDateTime('2026-11-28T12:00:00Z', 'ru')).toMatch(/^28\.11\.2026, \d{2}:\d{2}$/);
    expect(formatDate('2026-11-28T12:00:00Z', 'ru')).toBe('28.11.2026');
  });

  it('labels axis ticks distinctly: all significant digits of a round tick, whole numbers below 100 000', () => {
    const ticks = [5_675_000, 5_700_000, 5_725_000, 5_750_000].map((v) => formatAxisTick(v, 'ru'));
    expect(ticks).toEqual([`5,675${NBSP}млн`, `5,7${NBSP}млн`, `5,725${NBSP}млн`, `5,75${NBSP}млн`]);
    expect(new Set(ticks).size).toBe(4);
    expect(formatAxisTick(12_502, 'ru')).toBe(`12${NBSP}502`);
    expect(formatAxisTick(0.5, 'ru')).toBe('0,5');
    expect(formatAxisTick(1_000_000, 'en')).toBe('1m');
  });

  it('shortens large numbers for legends', () => {
    expect(formatCompact(13_274_285, 'ru')).toBe(`13,3${NBSP}млн`);
    expect(formatCompact(500_000, 'ru')).toBe(`500${NBSP}тыс.`);
    expect(formatCompact(13_274_285, 'en')).toBe('13.3m');
  });

  it('shows a dash for missing figures and leaves unparseable dates as written', () => {
    for (const missing of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(formatNumber(missing, 'ru')).toBe(NO_VALUE);
      expect(formatPercent(missing, 'ru')).toBe(NO_VALUE);
    }
    expect(formatDate(null, 'ru')).toBe(NO_VALUE);
    expect(formatDate('', 'ru')).toBe(NO_VALUE);
    expect(formatDate('not a date', 'ru')).toBe('not a date');
  });

  it('round-trips any integer through the Russian format', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (n) => {
        const text = formatNumber(n, 'ru');
        expect(text.replaceAll(NBSP, '').replace('\u2212', '-')).toBe(String(n));
      }),
    );
  });
});

describe('date fields', () => {
  it('show a day as ДД.ММ.ГГГГ in Russian and ISO in English', () => {
    expect(formatDayInput('2025-12-01', 'ru')).toBe('01.12.2025');
    expect(formatDayInput('2025-12-01', 'en')).toBe('2025-12-01');
    expect(formatDayInput('', 'ru')).toBe('');
  });

  it('take a day typed day first or as ISO, and refuse what is not a calendar day', () => {
    expect(parseDayInput('01.12.2025')).toBe('2025-12-01');
    expect(parseDayInput(' 1.2.2025 ')).toBe('2025-02-01');
    expect(parseDayInput('01/12/2025')).toBe('2025-12-01');
    expect(parseDayInput('2025-12-01')).toBe('2025-12-01');
    expect(parseDayInput('29.02.2024')).toBe('2024-02-29');
    expect(parseDayInput('')).toBeNull();
    for (const bad of ['31.02.2025', '29.02.2025', '2025-13-01', '12.2025', 'вчера', '01.12.25']) {
      expect(parseDayInput(bad)).toBeUndefined();
    }
  });

  it('read back what they show, for any day', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }),
        (d) => {
          const day = d.toISOString().slice(0, 10);
          expect(parseDayInput(formatDayInput(day, 'ru'))).toBe(day);
          expect(parseDayInput(formatDayInput(day, 'en'))).toBe(day);
        },
      ),
    );
  });
});
