import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  assertDay,
  dayRange,
  diffDays,
  isDay,
  isoWeekday,
  isoWeekKey,
  monthKey,
  moscowDay,
  moscowDayEnd,
  moscowDayStart,
  weekStart,
} from '../../src/analytics/calendar.ts';
import {
  formatDay,
  formatMoscowTime,
  formatNumber,
  formatPercent,
  NBSP,
  pluralEn,
  pluralRu,
} from '../../src/analytics/format.ts';
import { ValidationError } from '../../src/shared/errors.ts';

describe('calendar (Moscow days, UTC+3)', () => {
  it('puts 20:59:59.999 UTC in the same Moscow day and 21:00 UTC in the next one', () => {
    expect(moscowDay(Date.UTC(2025, 0, 1, 20, 59, 59, 999))).toBe('2025-01-01');
    expect(moscowDay(Date.UTC(2025, 0, 1, 21, 0, 0, 0))).toBe('2025-01-02');
    expect(moscowDay(Date.UTC(2024, 11, 31, 21, 0))).toBe('2025-01-01');
    // No daylight saving: the same offset in July.
    expect(moscowDay(Date.UTC(2025, 6, 1, 21, 0))).toBe('2025-07-02');
  });

  it('gives the instants at which a Moscow day starts and ends', () => {
    expect(moscowDayStart('2025-01-02')).toBe(Date.UTC(2025, 0, 1, 21));
    expect(moscowDayEnd('2025-01-02')).toBe(Date.UTC(2025, 0, 2, 21));
  });

  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(diffDays('2025-01-01', '2025-12-31')).toBe(364);
    expect(diffDays('2025-01-08', '2025-01-01')).toBe(-7);
    expect(dayRange('2025-02-27', '2025-03-02')).toEqual([
      '2025-02-27',
      '2025-02-28',
      '2025-03-01',
      '2025-03-02',
    ]);
    expect(dayRange('2025-03-02', '2025-03-01')).toEqual([]);
  });

  it('moves by calendar months, clamping to shorter months', () => {
    expect(addMonths('2025-03-31', -1)).toBe('2025-02-28');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonths('2025-01-15', -1)).toBe('2024-12-15');
    expect(addMonths('2025-11-30', 3)).toBe('2026-02-28');
  });

  it('builds ISO week and month bucket keys', () => {
    expect(isoWeekday('2025-06-15')).toBe(7);
    expect(weekStart('2025-06-15')).toBe('2025-06-09');
    expect(isoWeekKey('2025-06-15')).toBe('2025-W24');
    expect(isoWeekKey('2024-12-30')).toBe('2025-W01');
    expect(isoWeekKey('2021-01-03')).toBe('2020-W53');
    expect(monthKey('2025-06-15')).toBe('2025-06');
  });

  it('rejects impossible dates', () => {
    expect(isDay('2025-02-29')).toBe(false);
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2025-2-1')).toBe(false);
    expect(() => assertDay('2025-13-01')).toThrow(ValidationError);
    expect(() => moscowDay(Number.NaN)).toThrow(ValidationError);
  });
});

describe('number formatting for reasons', () => {
  it('writes days and Moscow times as Russians read them, ISO-like in English', () => {
    expect(formatDay('2025-12-01', 'ru')).toBe('01.12.2025');
    expect(formatDay('2025-12-01', 'en')).toBe('2025-12-01');
    // 20:59 UTC on 30 November is 23:59 in Moscow; 21:00 UTC is already 1 December there.
    expect(formatMoscowTime('2025-11-30T20:59:00.000Z', 'ru')).toBe('30.11.2025 23:59 МСК');
    expect(formatMoscowTime(Date.parse('2025-11-30T21:00:00Z'), 'ru')).toBe('01.12.2025 00:00 МСК');
    expect(formatMoscowTime('2025-11-30T21:00:00Z', 'en')).toBe('2025-12-01 00:00 MSK');
    expect(formatMoscowTime('not a time', 'ru')).toBe('not a time');
  });

  it('groups thousands with a no-break space and uses a decimal comma in Russian', () => {
    expect(formatNumber(4520, 'ru')).toBe(`4${NBSP}520`);
    expect(formatNumber(-1234.56, 'ru', 1)).toBe(`\u22121${NBSP}234,6`);
    expect(formatNumber(-1234.56, 'en', 1)).toBe('-1,234.6');
    expect(formatNumber(999, 'ru')).toBe('999');
    expect(formatNumber(-0.01, 'ru', 1)).toBe('0,0');
    expect(formatPercent(12.345, 'ru')).toBe(`12,3${NBSP}%`);
    expect(formatPercent(12.345, 'en')).toBe('12.3%');
  });

  it('chooses Russian plural forms', () => {
    const forms = ['подписчик', 'подписчика', 'подписчиков'] as const;
    expect([1, 2, 5, 11, 12, 21, 22, 25, 111, 4520].map((n) => pluralRu(n, forms))).toEqual([
      'подписчик',
      'подписчика',
      'подписчиков',
      'подписчиков',
      'подписчиков',
      'подписчик',
      'подписчика',
      'подписчиков',
      'подписчиков',
      'подписчиков',
    ]);
    expect(pluralEn(1, 'day')).toBe('day');
    expect(pluralEn(7, 'day')).toBe('days');
  });
});
