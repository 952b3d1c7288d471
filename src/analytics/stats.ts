/**
 * Small numeric helpers shared by the analytics modules. Every function returns null rather than NaN
 * when its input is empty, so a missing figure never turns into a silent NaN in a table.
 */

/** Factor that turns a median absolute deviation into a standard-deviation estimate for normal data. */
export const MAD_TO_SD = 1.4826;
/** Factor that turns a mean absolute deviation into a standard-deviation estimate (√(π/2)). */
export const MEAN_AD_TO_SD = 1.2533;
/** Two-sided standard normal quantiles for 80 % and 95 % intervals. */
export const Z80 = 1.2816;
export const Z95 = 1.96;

export function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : sum(values) / values.length;
}

/** Linear-interpolation quantile (type 7, as in Excel's PERCENTILE.INC); q in [0, 1]. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (pos - lo);
}

export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5);
}

/** Median absolute deviation from the median (not scaled). */
export function mad(values: readonly number[]): number | null {
  const m = median(values);
  if (m === null) return null;
  return median(values.map((v) => Math.abs(v - m)));
}

/** Population standard deviation (divides by n). */
export function stdDev(values: readonly number[]): number | null {
  const m = mean(values);
  if (m === null) return null;
  return Math.sqrt(sum(values.map((v) => (v - m) ** 2)) / values.length);
}

/** a / b, or null when either side is null or b is 0 (never NaN or Infinity). */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  return a / b;
}

/** Rounds half away from zero to `digits` decimals; keeps null. */
export function round(value: number, digits: number): number;
export function round(value: number | null, digits: number): number | null;
export function round(value: number | null, digits: number): number | null {
  if (value === null) return null;
  const f = 10 ** digits;
  const r = (Math.sign(value) * Math.round(Math.abs(value) * f + Number.EPSILON)) / f;
  return Object.is(r, -0) ? 0 : r;
}

/** Ordinary least squares y = a + b·x; null when x has no spread. */
export function linearFit(xs: readonly number[], ys: readonly number[]): { a: number; b: number } | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return null;
  const mx = sum(xs.slice(0, n)) / n;
  const my = sum(ys.slice(0, n)) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] ?? 0) - mx;
    sxx += dx * dx;
    sxy += dx * ((ys[i] ?? 0) - my);
  }
  if (sxx === 0) return null;
  const b = sxy / sxx;
  return { a: my - b * mx, b };
}
