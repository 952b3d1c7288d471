import { linearFit } from './stats.ts';

/**
 * The three forecasting models. Each `fit*` takes a daily series y[0..n−1] (no gaps) and returns the
 * fitted model: its parameters, its in-sample one-step residuals and a function giving the forecasts for
 * steps 1…h after the last point.
 */

export type ModelName = 'holt_damped' | 'logistic' | 'drift';

export interface FittedModel {
  model: ModelName;
  params: Record<string, number>;
  /** In-sample one-step-ahead errors (actual − forecast). */
  residuals: number[];
  /** Forecasts for 1…h steps after the last point. */
  forecast(h: number): number[];
}

/**
 * Naive drift: the line through the first and the last point, continued.
 * ŷ(T+h) = y(T) + h × (y(T) − y(1)) / (T − 1); with one point, ŷ = y(T) (flat).
 */
export function fitDrift(y: readonly number[]): FittedModel {
  const n = y.length;
  const last = y[n - 1] ?? 0;
  const slope = n > 1 ? (last - (y[0] ?? 0)) / (n - 1) : 0;
  const residuals: number[] = [];
  for (let t = 1; t < n; t++) residuals.push((y[t] ?? 0) - (y[t - 1] ?? 0) - slope);
  return {
    model: 'drift',
    params: { slope },
    residuals,
    forecast: (h) => Array.from({ length: h }, (_, i) => last + (i + 1) * slope),
  };
}

const ALPHAS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99];
const BETAS = [0.01, 0.05, 0.1, 0.2, 0.3, 0.5];
const PHIS = [0.8, 0.85, 0.9, 0.95, 0.98, 1];

interface HoltRun {
  sse: number;
  level: number;
  trend: number;
  residuals: number[];
}

function runHolt(y: readonly number[], alpha: number, beta: number, phi: number, keep: boolean): HoltRun {
  const n = y.length;
  const m = Math.min(n, 10);
  const init = linearFit(
    Array.from({ length: m }, (_, i) => i),
    y.slice(0, m),
  );
  let level = init?.a ?? y[0] ?? 0;
  let trend = init?.b ?? 0;
  let sse = 0;
  const residuals: number[] = [];
  for (let t = 1; t < n; t++) {
    const yt = y[t] ?? 0;
    const e = yt - (level + phi * trend);
    sse += e * e;
    if (keep) residuals.push(e);
    const prevLevel = level;
    level = alpha * yt + (1 - alpha) * (prevLevel + phi * trend);
    trend = beta * (level - prevLevel) + (1 - beta) * phi * trend;
  }
  return { sse, level, trend, residuals };
}

/**
 * Damped Holt linear trend (additive, Gardner & McKenzie):
 *   level ℓ(t) = α·y(t) + (1 − α)·(ℓ(t−1) + φ·b(t−1))
 *   trend b(t) = β·(ℓ(t) − ℓ(t−1)) + (1 − β)·φ·b(t−1)
 *   ŷ(T+h) = ℓ(T) + (φ + φ² + … + φʰ)·b(T)
 * Start: ℓ and b from a least-squares line through the first (up to) 10 points. α, β, φ are chosen on a
 * grid (α 0.01…0.99, β 0.01…0.5, φ 0.8…1; φ = 1 is the undamped Holt) by the smallest sum of squared
 * one-step errors. Needs ≥ 3 points.
 */
export function fitHolt(y: readonly number[]): FittedModel | null {
  if (y.length < 3) return null;
  let best = { alpha: 0.5, beta: 0.1, phi: 1, sse: Number.POSITIVE_INFINITY };
  for (const alpha of ALPHAS) {
    for (const beta of BETAS) {
      for (const phi of PHIS) {
        const { sse } = runHolt(y, alpha, beta, phi, false);
        if (best.sse - sse > 1e-9 * Math.max(1, sse)) best = { alpha, beta, phi, sse };
      }
    }
  }
  const { alpha, beta, phi } = best;
  const run = runHolt(y, alpha, beta, phi, true);
  return {
    model: 'holt_damped',
    params: { alpha, beta, phi, level: run.level, trend: run.trend },
    residuals: run.residuals,
    forecast: (h) => {
      const out: number[] = [];
      let damp = 0;
      for (let i = 1; i <= h; i++) {
        damp += phi ** i;
        out.push(run.level + damp * run.trend);
      }
      return out;
    },
  };
}

interface LogisticCurve {
  K: number;
  r: number;
  t0: number;
  sse: number;
}

function logisticAt(c: { K: number; r: number; t0: number }, t: number): number {
  return c.K / (1 + Math.exp(-c.r * (t - c.t0)));
}

/** For a fixed K: weighted least squares on z = ln(K/y − 1) = r·t0 − r·t, weights (y(1 − y/K))². */
function logisticForK(y: readonly number[], K: number): LogisticCurve | null {
  const ts: number[] = [];
  const zs: number[] = [];
  const ws: number[] = [];
  for (let t = 0; t < y.length; t++) {
    const v = y[t] ?? 0;
    if (v <= 0 || v >= K) return null;
    ts.push(t);
    zs.push(Math.log(K / v - 1));
    ws.push((v * (1 - v / K)) ** 2);
  }
  // Weighted fit by scaling rows with √w.
  let sw = 0;
  let swt = 0;
  let swz = 0;
  for (let i = 0; i < ts.length; i++) {
    sw += ws[i]!;
    swt += ws[i]! * ts[i]!;
    swz += ws[i]! * zs[i]!;
  }
  const mt = swt / sw;
  const mz = swz / sw;
  let stt = 0;
  let stz = 0;
  for (let i = 0; i < ts.length; i++) {
    stt += ws[i]! * (ts[i]! - mt) ** 2;
    stz += ws[i]! * (ts[i]! - mt) * (zs[i]! - mz);
  }
  if (stt === 0) return null;
  const slope = stz / stt;
  const r = -slope;
  if (!(r > 0)) return null;
  const t0 = (mz - slope * mt) / r;
  let sse = 0;
  for (let t = 0; t < y.length; t++) sse += ((y[t] ?? 0) - logisticAt({ K, r, t0 }, t)) ** 2;
  return Number.isFinite(sse) ? { K, r, t0, sse } : null;
}

/**
 * Logistic growth towards a ceiling K: y(t) = K / (1 + e^(−r·(t − t0))). K is searched on a geometric grid
 * from 0.1 % to 400 % above the largest observed value, then refined by golden-section search around the
 * best grid point; for each K, r and t0 come from the linearised weighted least squares above. The fit
 * minimises squared errors on the original scale. Returns null for non-positive or non-growing series.
 */
export function fitLogistic(y: readonly number[]): FittedModel | null {
  if (y.length < 5) return null;
  const max = Math.max(...y);
  if (!(max > 0) || !(Math.min(...y) > 0)) return null;
  const grid = Array.from({ length: 41 }, (_, i) => max * (1 + 0.001 * 4000 ** (i / 40)));
  const fits = grid.map((K) => logisticForK(y, K));
  let bestIndex = -1;
  fits.forEach((f, i) => {
    if (f && (bestIndex < 0 || f.sse < (fits[bestIndex]?.sse ?? Number.POSITIVE_INFINITY))) bestIndex = i;
  });
  if (bestIndex < 0) return null;
  let lo = Math.log(grid[Math.max(0, bestIndex - 1)]!);
  let hi = Math.log(grid[Math.min(grid.length - 1, bestIndex + 1)]!);
  let best = fits[bestIndex]!;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 40; i++) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    const fa = logisticForK(y, Math.exp(a));
    const fb = logisticForK(y, Math.exp(b));
    if (fa && fa.sse < best.sse) best = fa;
    if (fb && fb.sse < best.sse) best = fb;
    if ((fa?.sse ?? Number.POSITIVE_INFINITY) < (fb?.sse ?? Number.POSITIVE_INFINITY)) hi = b;
    else lo = a;
  }
  const curve = best;
  const n = y.length;
  const residuals: number[] = [];
  for (let t = 1; t < n; t++) residuals.push((y[t] ?? 0) - logisticAt(curve, t));
  return {
    model: 'logistic',
    params: { K: curve.K, r: curve.r, t0: curve.t0 },
    residuals,
    forecast: (h) => Array.from({ length: h }, (_, i) => logisticAt(curve, n - 1 + i + 1)),
  };
}
