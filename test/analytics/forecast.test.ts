import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/analytics/calendar.ts';
import {
  backtestPlan,
  type Forecast,
  forecast,
  prepareSeries,
  type SeriesPoint,
} from '../../src/analytics/forecast.ts';
import { fitDrift, fitHolt, fitLogistic } from '../../src/analytics/forecast-models.ts';
import { ValidationError } from '../../src/shared/errors.ts';

/** Deterministic pseudo-random normal noise (LCG + Box–Muller), so the tests never flake. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
}

function series(n: number, f: (t: number) => number, start = '2025-01-01'): SeriesPoint[] {
  return Array.from({ length: n }, (_, t) => ({ day: addDays(start, t), value: f(t) }));
}

function expectOrderedIntervals(fc: Forecast): void {
  for (const p of fc.points) {
    expect(p.lower95).toBeLessThanOrEqual(p.lower80);
    expect(p.lower80).toBeLessThanOrEqual(p.value);
    expect(p.value).toBeLessThanOrEqual(p.upper80);
    expect(p.upper80).toBeLessThanOrEqual(p.upper95);
  }
}

describe('forecast models', () => {
  it('drift continues the line through the first and last points', () => {
    const m = fitDrift([100, 103, 104, 112]);
    expect(m.params.slope).toBe(4);
    expect(m.forecast(3)).toEqual([116, 120, 124]);
    expect(fitDrift([7]).forecast(2)).toEqual([7, 7]);
  });

  it('Holt reproduces an exact line', () => {
    const m = fitHolt(Array.from({ length: 30 }, (_, t) => 200 + 10 * t));
    expect(m?.model).toBe('holt_damped');
    expect(m?.forecast(2).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([500, 510]);
  });

  it('logistic recovers K, r and t0 of an exact curve', () => {
    const m = fitLogistic(Array.from({ length: 80 }, (_, t) => 40_000 / (1 + Math.exp(-0.05 * (t - 10)))));
    expect(m?.params.K).toBeCloseTo(40_000, -1);
    expect(m?.params.r).toBeCloseTo(0.05, 4);
    expect(m?.params.t0).toBeCloseTo(10, 2);
    expect(fitLogistic([5, 4, 3, 2, 1, 1])).toBeNull(); // not growing
  });
});

describe('forecast', () => {
  it('a logistic series from 20 000 saturating at 40 000 lands near 40 000 in 90 days, inside the interval', () => {
    const e = noise(42);
    const fc = forecast(
      series(100, (t) => 40_000 / (1 + Math.exp(-0.04 * t)) + 30 * e()),
      { horizon: 90 },
    );
    expect(fc.model).toBe('logistic');
    expect(fc.params.K).toBeGreaterThan(39_600);
    expect(fc.params.K).toBeLessThan(40_400);
    const last = fc.points.at(-1)!;
    expect(last.day).toBe(addDays('2025-01-01', 99 + 90));
    expect(Math.abs(last.value - 40_000)).toBeLessThan(400);
    expect(last.lower95).toBeLessThanOrEqual(40_000);
    expect(last.upper95).toBeGreaterThanOrEqual(40_000);
    expect(fc.backtest).toMatchObject({ metric: 'MAPE', horizon: 25, origins: 20 });
    expect(fc.backtest.value).toBeLessThan(1);
    expect(fc.interval).toBe('backtest_quantiles');
    expect(fc.points).toHaveLength(90);
    expectOrderedIntervals(fc);
  });

  it('chooses damped Holt for noisy linear series (9 of 10 noise draws at least)', () => {
    const chosen: string[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const e = noise(seed);
      const fc = forecast(
        series(120, (t) => 1000 + 50 * t + 20 * e()),
        { horizon: 30 },
      );
      chosen.push(fc.model);
      // truth at t = 149: 1000 + 50 × 149 = 8 450
      expect(Math.abs((fc.points.at(-1)?.value ?? 0) - 8450)).toBeLessThan(8450 * 0.02);
      expectOrderedIntervals(fc);
    }
    expect(chosen.filter((m) => m === 'holt_damped').length).toBeGreaterThanOrEqual(9);
  });

  it('on an exact line Holt and drift tie at MAPE 0 and the tie goes to Holt', () => {
    const fc = forecast(
      series(60, (t) => 1000 + 50 * t),
      { horizon: 10 },
    );
    expect(fc.candidates.filter((c) => c.mape === 0).map((c) => c.model)).toEqual(['holt_damped', 'drift']);
    expect(fc.model).toBe('holt_damped');
    expect(fc.points[9]?.value).toBe(1000 + 50 * 69);
    expect(fc.points[9]?.upper95).toBe(fc.points[9]?.lower95);
    expect(fc.notes_en).toContain(
      'No spread in the history (or too few points) — the interval is degenerate and cannot be trusted.',
    );
  });

  it('widens the interval with the horizon on a noisy flat series', () => {
    const e = noise(3);
    const fc = forecast(
      series(90, () => 5000 + 100 * e()),
      { horizon: 60 },
    );
    const width = (i: number, lvl: '80' | '95') => {
      const p = fc.points[i]!;
      return lvl === '80' ? p.upper80 - p.lower80 : p.upper95 - p.lower95;
    };
    for (const lvl of ['80', '95'] as const) {
      expect(width(29, lvl)).toBeGreaterThan(width(0, lvl));
      expect(width(59, lvl)).toBeGreaterThan(width(29, lvl));
    }
    expect(width(0, '95')).toBeGreaterThan(width(0, '80'));
    expect(Math.abs((fc.points[0]?.value ?? 0) - 5000)).toBeLessThan(300);
    expectOrderedIntervals(fc);
  });

  it('uses naive drift with a note for a series shorter than 7 points', () => {
    const fc = forecast(
      series(5, (t) => 100 + 3 * t),
      { horizon: 10 },
    );
    expect(fc.model).toBe('drift');
    expect(fc.backtest).toEqual({ metric: 'MAPE', value: null, horizon: 0, origins: 0 });
    expect(fc.notes_ru[0]).toContain('короче 7');
    expect(fc.notes_en[0]).toContain('shorter than 7');
    expect(fc.points.map((p) => p.value)).toEqual([115, 118, 121, 124, 127, 130, 133, 136, 139, 142]);
    expect(fc.points[0]?.day).toBe('2025-01-06');
  });

  it('clamps at zero for counts and interpolates gaps', () => {
    const falling = forecast(
      series(4, (t) => 30 - 10 * t),
      { horizon: 5 },
    );
    expect(falling.points.map((p) => p.value)).toEqual([0, 0, 0, 0, 0]);
    expect(
      prepareSeries([
        { day: '2025-01-04', value: 40 },
        { day: '2025-01-01', value: 10 },
        { day: '2025-01-02', value: null },
      ]),
    ).toEqual({ start: '2025-01-01', values: [10, 20, 30, 40] });
  });

  it('plans rolling origins that leave enough history', () => {
    // horizon ≤ n/4; origins spread evenly from n/2 to n − horizon
    expect(backtestPlan(20, 5, 3)).toEqual({ horizon: 5, origins: [10, 12, 15] });
    expect(backtestPlan(120, 30, 5)).toEqual({ horizon: 30, origins: [60, 67, 75, 82, 90] });
    expect(backtestPlan(10, 5, 5)).toEqual({ horizon: 2, origins: [7, 8] });
    expect(backtestPlan(8, 5, 5)).toEqual({ horizon: 2, origins: [] });
    expect(backtestPlan(100, 90, 20).origins).toHaveLength(20);
  });

  it('rejects an empty series, a bad horizon and duplicate days', () => {
    expect(() => forecast([{ day: '2025-01-01', value: null }], { horizon: 5 })).toThrow(ValidationError);
    expect(() =>
      forecast(
        series(10, () => 1),
        { horizon: 0 },
      ),
    ).toThrow(ValidationError);
    expect(() =>
      forecast(
        [
          { day: '2025-01-01', value: 1 },
          { day: '2025-01-01', value: 2 },
        ],
        { horizon: 1 },
      ),
    ).toThrow(ValidationError);
  });

  it('is deterministic', () => {
    const s = series(60, (t) => 100 + t * 2 + (t % 5));
    expect(JSON.stringify(forecast(s, { horizon: 14 }))).toBe(JSON.stringify(forecast(s, { horizon: 14 })));
  });
});
