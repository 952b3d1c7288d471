import { z } from 'zod';
import { ValidationError } from '../../shared/errors.ts';
import type { Day } from '../calendar.ts';
import { CHANNEL_INDICATORS, INDICATOR_KEYS, type IndicatorKey, REGION_INDICATORS } from '../indicators.ts';
import type { Methodology, RatingFlag, RatingInputs } from '../methodology.ts';
import { assertPreset, indicatorSpec, parseParams } from './common.ts';

/**
 * `places-average` — the scheme ЭИСИ uses for governors' channels: rank every object on each chosen
 * indicator, then order by the average of its places (lower is better). The indicators are a parameter,
 * picked from the catalogue (indicators.ts).
 */

export const PLACES_AVERAGE_ID = 'places-average';

/**
 * Indicators used when none are given, per scope: regions as ЭИСИ ranks them; channels and municipalities
 * without population (municipalities have no official figure here) and without views (known only for
 * channels whose posts are collected), so that a default rating of schools or of a region's municipalities
 * ranks its rows instead of leaving them all without a place.
 */
export const PLACES_AVERAGE_DEFAULT_INDICATORS = {
  regions: ['subscribers', 'subscribers_per_1000', 'growth_pct', 'avg_views_24h'],
  channels: ['subscribers', 'growth_pct'],
  municipalities: ['subscribers', 'channels', 'growth_pct'],
} as const satisfies Record<string, readonly IndicatorKey[]>;

export const placesAverageParametersSchema = z
  .object({
    scope: z.enum(['regions', 'channels', 'municipalities']).default('regions'),
    indicators: z
      .array(z.enum(INDICATOR_KEYS))
      .min(1)
      .refine((keys) => new Set(keys).size === keys.length, 'indicators must not repeat')
      .optional(),
    ties: z.enum(['competition', 'dense']).default('competition'),
    missing: z.enum(['unranked', 'reweight']).default('unranked'),
  })
  .transform(({ scope, indicators, ties, missing }) => ({
    scope,
    indicators: indicators ?? [...PLACES_AVERAGE_DEFAULT_INDICATORS[scope]],
    ties,
    missing,
  }));

export type PlacesAverageParameters = z.output<typeof placesAverageParametersSchema>;

function allowed(scope: PlacesAverageParameters['scope']): readonly IndicatorKey[] {
  return scope === 'channels' ? CHANNEL_INDICATORS : REGION_INDICATORS;
}

/** Builds the `places-average` methodology for the chosen indicators (all with weight 1). */
export function placesAverageMethodology(
  params: z.input<typeof placesAverageParametersSchema> = {},
): Methodology {
  const p = parseParams(placesAverageParametersSchema, params, PLACES_AVERAGE_ID);
  const wrong = p.indicators.filter((k) => !allowed(p.scope).includes(k));
  if (wrong.length > 0) {
    throw new ValidationError(`indicators not available for scope "${p.scope}"`, { indicators: wrong });
  }
  return {
    id: PLACES_AVERAGE_ID,
    version: '1.0.0',
    title_ru: 'Средний балл мест (по схеме ЭИСИ)',
    title_en: 'Average of places (after EISI)',
    description_ru:
      'Каждый объект получает место по каждому выбранному показателю (равные значения делят лучшее ' +
      'место); итог — среднее арифметическое мест, меньше — лучше. Равное среднее — общее место.',
    description_en:
      'Each object is ranked on every chosen indicator (equal values share the best place); the result is ' +
      'the arithmetic mean of its places, lower is better. Equal means share the place.',
    scope: p.scope,
    indicators: p.indicators.map((k) => indicatorSpec(k, 1)),
    combination: 'rank_average',
    parameters: p,
    unknowns_ru: [
      'ЭИСИ не публикует полный список показателей и правила для отсутствующих данных; здесь они — параметры.',
    ],
    unknowns_en: [
      'EISI does not publish the full list of indicators or its rule for missing data; here they are parameters.',
    ],
  };
}

/** An object to rate with its catalogue indicator values (see regionIndicatorValues / channelIndicatorValues). */
export interface PlacesAverageObject {
  key: string;
  name: string;
  values: Partial<Record<IndicatorKey, number | null>>;
  flags?: RatingFlag[];
}

/** Rating inputs: picks the methodology's indicators from each object's values (absent → null). */
export function placesAverageInputs(
  methodology: Methodology,
  asOf: Day,
  objects: readonly PlacesAverageObject[],
): RatingInputs {
  assertPreset(methodology, PLACES_AVERAGE_ID);
  const p = parseParams(placesAverageParametersSchema, methodology.parameters, PLACES_AVERAGE_ID);
  return {
    asOf,
    items: objects.map((o) => ({
      key: o.key,
      name: o.name,
      values: Object.fromEntries(p.indicators.map((k) => [k, o.values[k] ?? null])),
      flags: o.flags ?? [],
    })),
  };
}
