import type { z } from 'zod';
import { ValidationError } from '../../shared/errors.ts';
import { INDICATORS, type IndicatorKey } from '../indicators.ts';
import type { IndicatorSpec, Methodology } from '../methodology.ts';

/** Helpers shared by the preset methodologies. */

/** An indicator spec from the catalogue with a weight (and optional text overrides). */
export function indicatorSpec(
  key: IndicatorKey,
  weight: number,
  overrides: Partial<Omit<IndicatorSpec, 'key' | 'weight'>> = {},
): IndicatorSpec {
  const def = INDICATORS[key];
  return {
    key,
    title_ru: def.title_ru,
    title_en: def.title_en,
    formula_ru: def.formula_ru,
    formula_en: def.formula_en,
    direction: def.direction,
    weight,
    ...overrides,
  };
}

/** Parses preset parameters, turning zod issues into a ValidationError. */
export function parseParams<S extends z.ZodType>(schema: S, value: unknown, preset: string): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success)
    throw new ValidationError(`invalid parameters for methodology "${preset}"`, parsed.error.issues);
  return parsed.data;
}

/** Throws unless the methodology object is the expected preset. */
export function assertPreset(methodology: Methodology, id: string): void {
  if (methodology.id !== id) {
    throw new ValidationError(`expected methodology "${id}", got "${methodology.id}"`);
  }
}
