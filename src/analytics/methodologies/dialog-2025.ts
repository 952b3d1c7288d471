import { z } from 'zod';
import type { Day } from '../calendar.ts';
import type { Methodology, RatingFlag, RatingInputs } from '../methodology.ts';
import { ratio } from '../stats.ts';
import { assertPreset, indicatorSpec, parseParams } from './common.ts';

/**
 * `dialog-2025` — a reconstruction of the rating of regional governments' MAX channels published by
 * АНО «Диалог Регионы» in December 2025: two indicators, subscribers and subscribers per 1 000
 * inhabitants. Диалог did not publish how the two were combined, so the combination is a parameter:
 * the average of the two places (default) or weighted min–max normalised scores.
 */

export const DIALOG_2025_ID = 'dialog-2025';

export const dialog2025ParametersSchema = z.object({
  combination: z.enum(['rank_average', 'weighted_minmax']).default('rank_average'),
  /** Weights of the two indicators (used by both combinations; equal by default). */
  weights: z
    .object({ subscribers: z.number().nonnegative(), subscribers_per_1000: z.number().nonnegative() })
    .default({ subscribers: 1, subscribers_per_1000: 1 }),
  /** A region with several government channels: add them up ('sum') or take the largest ('largest'). */
  multipleChannels: z.enum(['sum', 'largest']).default('sum'),
  ties: z.enum(['competition', 'dense']).default('competition'),
  missing: z.enum(['unranked', 'reweight']).default('unranked'),
  /** Which population figures are used (shown with the table). */
  population: z.string().default('Росстат, численность постоянного населения на 1 января 2025 г.'),
});

export type Dialog2025Parameters = z.output<typeof dialog2025ParametersSchema>;

/** Builds the `dialog-2025` methodology with the given parameters (defaults for the rest). */
export function dialog2025Methodology(params: z.input<typeof dialog2025ParametersSchema> = {}): Methodology {
  const p = parseParams(dialog2025ParametersSchema, params, DIALOG_2025_ID);
  const combined =
    p.combination === 'rank_average'
      ? 'среднее двух мест (меньше — лучше); при равенстве среднего регионы делят место'
      : 'взвешенная сумма min–max нормированных значений, 0–100 (больше — лучше)';
  const combinedEn =
    p.combination === 'rank_average'
      ? 'average of the two places (lower is better); equal averages share the place'
      : 'weighted sum of min–max normalised values, 0–100 (higher is better)';
  return {
    id: DIALOG_2025_ID,
    version: '1.0.0',
    title_ru: 'Каналы правительств регионов (по схеме «Диалог Регионы», 2025)',
    title_en: "Regional governments' channels (after Dialog Regions, 2025)",
    description_ru:
      'Один официальный канал правительства (губернатора) на регион. Показатели: число подписчиков и ' +
      `число подписчиков на 1 000 жителей. Итог: ${combined}. Подписчики — на конец дня по Москве.`,
    description_en:
      "One official regional government (governor's) channel per region. Indicators: subscribers and " +
      `subscribers per 1,000 inhabitants. Result: ${combinedEn}. Subscribers at the end of the Moscow day.`,
    scope: 'regions',
    indicators: [
      indicatorSpec('subscribers', p.weights.subscribers, {
        formula_ru: 'подписчики канала правительства региона на конец дня по Москве',
        formula_en: "subscribers of the regional government's channel at the end of the Moscow day",
      }),
      indicatorSpec('subscribers_per_1000', p.weights.subscribers_per_1000),
    ],
    combination: p.combination,
    parameters: p,
    unknowns_ru: [
      '«Диалог Регионы» не опубликовал формулу, по которой два показателя сведены в итоговое место.',
      'Неизвестно, какой выпуск численности населения использован (мы берём Росстат на 1 января 2025 г.).',
      'Неизвестно, как учитывались регионы с несколькими каналами правительства (у нас — параметр: сумма или наибольший).',
      'Неизвестны дата и время съёма числа подписчиков.',
    ],
    unknowns_en: [
      'Dialog Regions did not publish how the two indicators were combined into the final place.',
      'The population release used is unknown (we use Rosstat, 1 January 2025).',
      'How regions with several government channels were treated is unknown (here: a parameter, sum or largest).',
      'The date and time at which subscriber counts were taken are unknown.',
    ],
  };
}

/** A regional government channel (category 'regional_government'). */
export interface DialogChannel {
  id: string;
  subscribers: number | null;
  /** Unconfirmed anomaly flags of this channel (carried into the row). */
  flags?: RatingFlag[];
}

/** A region with its population valid at the as-of date and its government channel(s). */
export interface DialogRegion {
  code: string;
  name: string;
  population: number | null;
  channels: readonly DialogChannel[];
}

/**
 * Rating inputs: subscribers = Σ (or the largest of) the region's government channels with a known
 * count; per 1 000 = subscribers / population × 1 000 (null without population). A region without a
 * government channel is listed unranked.
 */
export function dialog2025Inputs(
  methodology: Methodology,
  asOf: Day,
  regions: readonly DialogRegion[],
): RatingInputs {
  assertPreset(methodology, DIALOG_2025_ID);
  const p = parseParams(dialog2025ParametersSchema, methodology.parameters, DIALOG_2025_ID);
  const items = regions.map((r) => {
    const known = r.channels.flatMap((c) => (c.subscribers === null ? [] : [c.subscribers]));
    const subscribers =
      known.length === 0
        ? null
        : p.multipleChannels === 'sum'
          ? known.reduce((a, b) => a + b, 0)
          : Math.max(...known);
    const perMille = ratio(
      subscribers === null ? null : subscribers * 1000,
      r.population !== null && r.population > 0 ? r.population : null,
    );
    const exclusion: RatingFlag | null =
      r.channels.length === 0
        ? {
            code: 'excluded:no_channel',
            reason_ru: 'В реестре нет канала правительства региона',
            reason_en: 'No regional government channel in the register',
          }
        : null;
    return {
      key: r.code,
      name: r.name,
      values: { subscribers, subscribers_per_1000: perMille },
      flags: r.channels.flatMap((c) => c.flags ?? []),
      exclusion,
    };
  });
  return { asOf, items };
}
