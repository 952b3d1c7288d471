import { z } from 'zod';
import { ValidationError } from '../../shared/errors.ts';
import type { Day } from '../calendar.ts';
import type { Methodology, RatingFlag, RatingInputs } from '../methodology.ts';
import type { RegionMetrics } from '../region-metrics.ts';
import { assertPreset, indicatorSpec, parseParams } from './common.ts';

/**
 * `network` — the region's whole network of official channels (all categories and levels): density,
 * audience, activity, page quality and growth, combined as a weighted sum of min–max normalised values.
 */

export const NETWORK_ID = 'network';

const weight = z.number().nonnegative();

export const networkParametersSchema = z.object({
  /** Indicator weights; equal by default (they are divided by their sum). */
  weights: z
    .object({
      channels_per_100k: weight,
      subscribers_per_100: weight,
      active_share: weight,
      complete_share: weight,
      growth_pct: weight,
    })
    .default({
      channels_per_100k: 1,
      subscribers_per_100: 1,
      active_share: 1,
      complete_share: 1,
      growth_pct: 1,
    }),
  /** Posts per week from which a channel counts as active. */
  activeThreshold: z.number().positive().default(3),
  /** Length of the growth period in days. */
  growthDays: z.number().int().positive().default(30),
  ties: z.enum(['competition', 'dense']).default('competition'),
  missing: z.enum(['unranked', 'reweight']).default('unranked'),
});

export type NetworkParameters = z.output<typeof networkParametersSchema>;

/** Builds the `network` methodology. */
export function networkMethodology(params: z.input<typeof networkParametersSchema> = {}): Methodology {
  const p = parseParams(networkParametersSchema, params, NETWORK_ID);
  const t = String(p.activeThreshold).replace('.', ',');
  return {
    id: NETWORK_ID,
    version: '1.0.0',
    title_ru: 'Сеть официальных каналов региона',
    title_en: "The region's network of official channels",
    description_ru:
      'Все официальные каналы региона (органы власти, МСУ, учреждения). Каждый показатель нормируется ' +
      'min–max по регионам (лучший = 1, худший = 0; если у всех одинаково — 1), итог = 100 × взвешенное ' +
      'среднее нормированных значений. Сумма подписчиков — это сумма подписок, а не число людей.',
    description_en:
      "All the region's official channels (government bodies, local self-government, institutions). Each " +
      'indicator is min–max normalised across regions (best = 1, worst = 0; all equal → 1); the result is ' +
      '100 × the weighted mean of the normalised values. A subscriber sum counts subscriptions, not people.',
    scope: 'regions',
    indicators: [
      indicatorSpec('channels_per_100k', p.weights.channels_per_100k),
      indicatorSpec('subscribers_per_100', p.weights.subscribers_per_100),
      indicatorSpec('active_share', p.weights.active_share, {
        formula_ru: `каналы с ≥ ${t} публикаций в неделю (за 28 дней) / каналы с известной активностью`,
        formula_en: `channels with ≥ ${p.activeThreshold} posts a week (over 28 days) / channels with known posting`,
      }),
      indicatorSpec('complete_share', p.weights.complete_share),
      indicatorSpec('growth_pct', p.weights.growth_pct, {
        title_ru: `Прирост подписчиков за ${p.growthDays} дней, %`,
        title_en: `Subscriber growth over ${p.growthDays} days, %`,
      }),
    ],
    combination: 'weighted_minmax',
    parameters: p,
    unknowns_ru: [
      'Полнота реестра: регион с неучтёнными каналами выглядит хуже, чем есть.',
      'Для новых регионов без данных Росстата показатели на душу населения не считаются.',
    ],
    unknowns_en: [
      'Register coverage: a region with unregistered channels looks worse than it is.',
      'Per-capita indicators are not computed for new regions without Rosstat figures.',
    ],
  };
}

/**
 * Rating inputs from region metrics computed at `asOf` with the methodology's growth period and
 * activity threshold (checked, so a table never mixes periods). `flags` carries unconfirmed anomaly
 * flags per region code.
 */
export function networkInputs(
  methodology: Methodology,
  asOf: Day,
  regions: readonly RegionMetrics[],
  flags: Readonly<Record<string, RatingFlag[]>> = {},
): RatingInputs {
  assertPreset(methodology, NETWORK_ID);
  const p = parseParams(networkParametersSchema, methodology.parameters, NETWORK_ID);
  const items = regions.map((m) => {
    if (m.asOf !== asOf || m.growth.days !== p.growthDays || m.active.threshold !== p.activeThreshold) {
      throw new ValidationError(`region ${m.code}: metrics do not match the methodology parameters`, {
        asOf: [m.asOf, asOf],
        growthDays: [m.growth.days, p.growthDays],
        activeThreshold: [m.active.threshold, p.activeThreshold],
      });
    }
    return {
      key: m.code,
      name: m.name,
      values: {
        channels_per_100k: m.channels.per100k,
        subscribers_per_100: m.subscribers.per100,
        active_share: m.active.share,
        complete_share: m.complete.share,
        growth_pct: m.growth.percent,
      },
      flags: flags[m.code] ?? [],
    };
  });
  return { asOf, items };
}
