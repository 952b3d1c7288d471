import { ValidationError } from '../shared/errors.ts';
import { addDays, type Day, dayFromNumber, dayNumber } from './calendar.ts';
import { type FittedModel, fitDrift, fitHolt, fitLogistic, type ModelName } from './forecast-models.ts';
import { quantile, round, Z80, Z95 } from './stats.ts';

/**
 * Forecast of a daily series (channel count, subscribers) N days ahead with 80 % and 95 % prediction
 * intervals. Three models compete — damped Holt trend, logistic saturation, naive drift — and the one
 * with the smallest rolling-origin backtest error (MAPE) is used; the error is reported with it.
 */

/** A day of the series; null values inside the range are interpolated linearly. */
export interface SeriesPoint {
  day: Day;
  value: number | null;
}

export interface ForecastOptions {
  /** Days ahead (1…730). */
  horizon: number;
  /** Number of backtest origins (default 20). */
  origins?: number;
  /** Clamp forecasts and lower bounds at 0 (default true: counts cannot be negative). */
  nonNegative?: boolean;
}

export interface ForecastPoint {
  day: Day;
  value: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

export interface Backtest {
  /** Mean absolute percentage error: mean of |actual − forecast| / |actual| × 100 (actual ≠ 0). */
  metric: 'MAPE';
  /** In percent; null when no backtest was possible. */
  value: number | null;
  /** Steps ahead each backtest forecast covered. */
  horizon: number;
  origins: number;
}

export interface Forecast {
  model: ModelName;
  params: Record<string, number>;
  backtest: Backtest;
  /** Every model that could be fitted, with its backtest MAPE (null when not backtested). */
  candidates: { model: ModelName; mape: number | null }[];
  /** How the interval was built: 'backtest_quantiles' or 'normal_residuals'. */
  interval: 'backtest_quantiles' | 'normal_residuals';
  lastDay: Day;
  notes_ru: string[];
  notes_en: string[];
  points: ForecastPoint[];
}

/** Fewest points for model selection; shorter series get the naive drift model. */
export const MIN_POINTS = 7;
const FITTERS: readonly ((y: readonly number[]) => FittedModel | null)[] = [fitHolt, fitLogistic, fitDrift];

/** Contiguous daily values from the first to the last known day, gaps interpolated linearly. */
export function prepareSeries(series: readonly SeriesPoint[]): { start: Day; values: number[] } | null {
  const known = series
    .filter((p): p is { day: Day; value: number } => p.value !== null && Number.isFinite(p.value))
    .map((p) => ({ n: dayNumber(p.day), v: p.value }))
    .sort((a, b) => a.n - b.n);
  const first = known[0];
  if (!first) return null;
  const values: number[] = [first.v];
  for (let i = 1; i < known.length; i++) {
    const a = known[i - 1]!;
    const b = known[i]!;
    if (b.n === a.n) throw new ValidationError(`forecast: day ${dayFromNumber(b.n)} appears twice`);
    for (let n = a.n + 1; n <= b.n; n++) values.push(a.v + ((b.v - a.v) * (n - a.n)) / (b.n - a.n));
  }
  return { start: dayFromNumber(first.n), values };
}

interface Evaluation {
  mape: number | null;
  /** Backtest errors scaled by √h. */
  scaled: number[];
}

function backtest(
  fitModel: (y: readonly number[]) => FittedModel | null,
  y: readonly number[],
  horizon: number,
  origins: readonly number[],
): Evaluation | null {
  let apeSum = 0;
  let apeCount = 0;
  const scaled: number[] = [];
  for (const o of origins) {
    const model = fitModel(y.slice(0, o));
    if (!model) return null;
    const f = model.forecast(horizon);
    for (let h = 1; h <= horizon; h++) {
      const actual = y[o + h - 1];
      const predicted = f[h - 1];
      if (actual === undefined || predicted === undefined || !Number.isFinite(predicted)) return null;
      const e = actual - predicted;
      scaled.push(e / Math.sqrt(h));
      if (actual !== 0) {
        apeSum += Math.abs(e) / Math.abs(actual);
        apeCount++;
      }
    }
  }
  return { mape: apeCount === 0 ? null : (apeSum / apeCount) * 100, scaled };
}

/**
 * Backtest layout for n points: horizon H = min(requested, ⌊n/4⌋) (at least 1); up to `k` origins spread
 * evenly from max(7, ⌊n/2⌋) (the shortest history a fit sees) to n − H (the last leaves exactly H points
 * to compare). Many origins make the choice between close models less a matter of luck.
 */
export function backtestPlan(
  n: number,
  requested: number,
  k: number,
): { horizon: number; origins: number[] } {
  const horizon = Math.max(1, Math.min(requested, Math.floor(n / 4)));
  const minTrain = Math.max(MIN_POINTS, Math.floor(n / 2));
  const last = n - horizon;
  if (last < minTrain || k < 1) return { horizon, origins: [] };
  const count = Math.min(k, last - minTrain + 1);
  const origins = new Set<number>();
  for (let j = 0; j < count; j++) {
    origins.add(count === 1 ? last : last - Math.round(((last - minTrain) * j) / (count - 1)));
  }
  return { horizon, origins: [...origins].sort((a, b) => a - b) };
}

/**
 * Forecasts `options.horizon` days after the last known day.
 * - Fewer than 7 points: naive drift, interval from the spread of daily changes (note attached).
 * - Otherwise every model is backtested from rolling origins; the smallest MAPE wins (on a tie the
 *   order is Holt, logistic, drift). The winner is refitted on the whole series.
 * - Interval: backtest errors divided by √h form a pool; with ≥ 20 of them the 10/90 % and 2.5/97.5 %
 *   quantiles × √h give the 80 % / 95 % bounds (the interval widens like √h); otherwise a normal
 *   approximation ± z·σ·√h with σ the RMS of in-sample one-step errors.
 */
export function forecast(series: readonly SeriesPoint[], options: ForecastOptions): Forecast {
  const { horizon } = options;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 730) {
    throw new ValidationError('forecast horizon must be a whole number of days from 1 to 730', { horizon });
  }
  const prepared = prepareSeries(series);
  if (!prepared) throw new ValidationError('forecast: the series has no known values');
  const y = prepared.values;
  const n = y.length;
  const lastDay = addDays(prepared.start, n - 1);
  const notes_ru: string[] = [];
  const notes_en: string[] = [];

  let chosen: FittedModel;
  let evaluation: Evaluation | null = null;
  let plan = { horizon: 0, origins: [] as number[] };
  const candidates: Forecast['candidates'] = [];

  if (n < MIN_POINTS) {
    chosen = fitDrift(y);
    candidates.push({ model: 'drift', mape: null });
    notes_ru.push(
      `Ряд короче ${MIN_POINTS} дней (${n}) — наивный прогноз по среднему приросту, без проверки на истории.`,
    );
    notes_en.push(`Series shorter than ${MIN_POINTS} days (${n}) — naive drift forecast, not backtested.`);
  } else {
    plan = backtestPlan(n, horizon, options.origins ?? 20);
    let best: { model: FittedModel; evaluation: Evaluation | null } | null = null;
    for (const fitModel of FITTERS) {
      const model = fitModel(y);
      if (!model) continue;
      const ev = plan.origins.length > 0 ? backtest(fitModel, y, plan.horizon, plan.origins) : null;
      candidates.push({ model: model.model, mape: ev?.mape ?? null });
      const better =
        best === null ||
        (ev?.mape !== null &&
          ev?.mape !== undefined &&
          (best.evaluation?.mape === null ||
            best.evaluation?.mape === undefined ||
            ev.mape < best.evaluation.mape - 1e-9));
      if (better) best = { model, evaluation: ev };
    }
    chosen = best?.model ?? fitDrift(y);
    evaluation = best?.evaluation ?? null;
    if (plan.horizon < horizon) {
      notes_ru.push(
        `Проверка на истории — на ${plan.horizon} дн. вперёд (ряд короткий); дальше ошибка растёт как √h по допущению.`,
      );
      notes_en.push(
        `Backtested ${plan.horizon} days ahead (short series); beyond that the error is assumed to grow like √h.`,
      );
    }
  }

  const pool = evaluation?.scaled ?? [];
  const useQuantiles = pool.length >= 20;
  const rms = Math.sqrt(
    chosen.residuals.reduce((s, e) => s + e * e, 0) / Math.max(1, chosen.residuals.length),
  );
  const q = (p: number, z: number) => (useQuantiles ? (quantile(pool, p) ?? 0) : z * rms);
  const bounds = { lo80: Math.min(0, q(0.1, -Z80)), hi80: Math.max(0, q(0.9, Z80)) };
  const b95 = { lo95: Math.min(0, q(0.025, -Z95)), hi95: Math.max(0, q(0.975, Z95)) };
  if (b95.lo95 === 0 && b95.hi95 === 0) {
    notes_ru.push(
      'Разброс на истории нулевой (или точек слишком мало) — интервал вырожден, доверять ему нельзя.',
    );
    notes_en.push(
      'No spread in the history (or too few points) — the interval is degenerate and cannot be trusted.',
    );
  }
  const clamp = (v: number) => (options.nonNegative === false ? v : Math.max(0, v));

  const values = chosen.forecast(horizon);
  const points: ForecastPoint[] = values.map((v, i) => {
    const s = Math.sqrt(i + 1);
    return {
      day: addDays(lastDay, i + 1),
      value: round(clamp(v), 2),
      lower80: round(clamp(v + bounds.lo80 * s), 2),
      upper80: round(clamp(v + bounds.hi80 * s), 2),
      lower95: round(clamp(v + b95.lo95 * s), 2),
      upper95: round(clamp(v + b95.hi95 * s), 2),
    };
  });

  return {
    model: chosen.model,
    params: chosen.params,
    backtest: {
      metric: 'MAPE',
      value: evaluation?.mape ?? null,
      horizon: plan.horizon,
      origins: plan.origins.length,
    },
    candidates,
    interval: useQuantiles ? 'backtest_quantiles' : 'normal_residuals',
    lastDay,
    notes_ru,
    notes_en,
    points,
  };
}
