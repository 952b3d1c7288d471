import { z } from 'zod';

/**
 * Zod schemas of what the rating endpoints answer: one definition for validation, the OpenAPI document and
 * the dashboard's types (`import type` + `z.infer`).
 */

const day = z.string().describe('YYYY-MM-DD (Moscow day)');

export const ratingCellSchema = z.object({
  value: z.number().nullable(),
  place: z.number().nullable(),
  normalised: z.number().nullable(),
});

export const ratingFlagSchema = z.object({
  code: z.string().describe('anomaly:spike, excluded:anomaly:spike, missing_data, excluded:no_channel, …'),
  day: z.string().optional(),
  reason_ru: z.string(),
  reason_en: z.string(),
});

export const ratingScopeSchema = z.object({
  kind: z.enum(['regions', 'channels', 'municipalities']),
  category: z.string().nullable(),
  region: z.string().nullable(),
  key: z.string().describe('regions | channels:<category|*>:<region|*> | municipalities:<region>'),
});

export const ratingPeriodSchema = z.object({
  key: z.string(),
  kind: z.enum(['week', 'month']),
  from: day,
  to: day,
});

export const publishedSummarySchema = z.object({
  id: z.number(),
  methodology_id: z.string(),
  methodology_version: z.string(),
  parameters: z.string().describe('JSON of every methodology parameter used'),
  scope: z.string(),
  rating_date: z.string(),
  inputs_observed_until: z.string().nullable(),
  title: z.string().nullable(),
  created_at: z.string(),
  created_by: z.string().nullable(),
});

export const ratingTableSchema = z.object({
  methodology: z.object({
    id: z.string(),
    version: z.string(),
    combination: z.string(),
    scope: z.string(),
    parameters: z.record(z.string(), z.unknown()),
  }),
  asOf: day.describe('The rating date: values at the end of this Moscow day'),
  previous: z.object({ asOf: z.string(), version: z.string() }).nullable(),
  /** Absent only in ratings published before scopes existed. */
  scope: ratingScopeSchema.optional(),
  period: ratingPeriodSchema.nullable().optional(),
  inputsObservedUntil: z.string().nullable().describe('Latest observation time among the inputs (ISO)'),
  /** Set when the table is a published one. */
  published: publishedSummarySchema.optional(),
  rows: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      place: z.number().nullable(),
      score: z.number().nullable(),
      indicators: z.record(z.string(), ratingCellSchema),
      placeChange: z.number().nullable(),
      flags: z.array(ratingFlagSchema),
    }),
  ),
});

export const methodologySummarySchema = z.object({
  id: z.string(),
  version: z.string(),
  title_ru: z.string(),
  title_en: z.string(),
  description_ru: z.string(),
  description_en: z.string(),
  scope: z.string(),
  /** Scopes this methodology can rate. */
  scopes: z.array(z.enum(['regions', 'channels', 'municipalities'])),
  combination: z.string(),
  computable: z.boolean(),
  indicators: z.array(
    z.object({
      key: z.string(),
      title_ru: z.string(),
      title_en: z.string(),
      formula_ru: z.string(),
      formula_en: z.string(),
      direction: z.string(),
      weight: z.number(),
    }),
  ),
  parameters: z.record(z.string(), z.unknown()),
  unknowns_ru: z.array(z.string()),
  unknowns_en: z.array(z.string()),
});

export const verifySchema = z.object({
  identical: z.boolean(),
  inputsObservedUntil: z.string().nullable(),
  differences: z.array(
    z.object({ key: z.string(), field: z.string(), published: z.unknown(), recomputed: z.unknown() }),
  ),
});

export type RatingTableBody = z.infer<typeof ratingTableSchema>;
