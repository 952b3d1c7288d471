/**
 * Colour classes for the map: a sequential single-hue blue ramp (ColorBrewer «Blues», which reads for
 * colour-blind viewers because the classes differ in lightness, not in hue), class breaks at quantiles of
 * the values shown, and WCAG contrast arithmetic used to check the legend. Pure functions, no DOM.
 */

/** Light to dark; each step is clearly darker than the one before (checked in test/web/choropleth.test.ts). */
export const BLUE_RAMP = ['#d0e1f2', '#94c4df', '#4a98c9', '#1764ab', '#08306b'] as const;

/** Regions without a figure: light warm grey, drawn hatched on the map. */
export const NO_DATA_FILL = '#f2f1ee';
export const NO_DATA_HATCH = '#a8a59c';

/** Legend and label text colour on the white panel. */
export const LEGEND_TEXT = '#3b4350';

export interface ColourClass {
  /** Inclusive lower bound. */
  min: number;
  /** Inclusive upper bound (the last class has the largest value). */
  max: number;
  color: string;
}

/**
 * Up to `BLUE_RAMP.length` classes with breaks at quantiles of the values (equal counts per class as far
 * as ties allow). `higherIsDarker: false` reverses the ramp (a place: 1 is best and darkest). Equal
 * breaks collapse, so 3 distinct values give at most 3 classes; no values give no classes.
 */
export function quantileClasses(
  values: readonly (number | null | undefined)[],
  higherIsDarker = true,
  ramp: readonly string[] = BLUE_RAMP,
): ColourClass[] {
  const sorted = values
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
    .sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const distinct = [...new Set(sorted)];
  const count = Math.min(ramp.length, distinct.length);
  const bounds: { min: number; max: number }[] = [];
  if (distinct.length <= ramp.length) {
    for (const v of distinct) bounds.push({ min: v, max: v });
  } else {
    let start = 0;
    for (let k = 1; k <= count; k++) {
      let end = k === count ? sorted.length - 1 : Math.ceil((sorted.length * k) / count) - 1;
      // A class ends after the last copy of its top value, so equal values share a class.
      while (end + 1 < sorted.length && sorted[end + 1] === sorted[end]) end++;
      if (start >= sorted.length) break;
      // Ties pushed an earlier class past this quantile: the next class takes over.
      if (start > end) continue;
      bounds.push({ min: sorted[start]!, max: sorted[end]! });
      start = end + 1;
    }
  }
  const colours = spread(ramp, bounds.length);
  const ordered = higherIsDarker ? colours : [...colours].reverse();
  return bounds.map((b, i) => ({ ...b, color: ordered[i]! }));
}

/** n colours taken evenly from the ramp, always including its darkest end. */
function spread(ramp: readonly string[], n: number): string[] {
  if (n >= ramp.length) return [...ramp];
  if (n === 1) return [ramp[Math.floor(ramp.length / 2)]!];
  return Array.from({ length: n }, (_, i) => ramp[Math.round((i * (ramp.length - 1)) / (n - 1))]!);
}

/** The class colour of a value, or undefined for a missing value. */
export function colourOf(
  classes: readonly ColourClass[],
  value: number | null | undefined,
): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || classes.length === 0) return undefined;
  for (const c of classes) if (value <= c.max) return c.color;
  return classes[classes.length - 1]!.color;
}

function channel(hex: string, offset: number): number {
  const v = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of `#rrggbb`. */
export function luminance(hex: string): number {
  return 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
}

/** WCAG contrast ratio (1…21) of two `#rrggbb` colours. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
