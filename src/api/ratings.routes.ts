import { z } from 'zod';
import { PRESETS, presetMethodology } from '../analytics/methodologies/index.ts';
import { computeRegionRating, SUPPORTED_METHODOLOGIES } from '../analytics/rating.service.ts';
import { ratingToCsv, ratingToXlsx } from '../analytics/rating-export.service.ts';
import type { RoutePlugin } from './server.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

const ratingQuery = z
  .object({
    methodology: z.enum(SUPPORTED_METHODOLOGIES).default('dialog-2025'),
    date: day.optional(),
    previous_days: z.coerce.number().int().min(0).max(366).default(7),
  })
  .strict();

const cell = z.object({
  value: z.number().nullable(),
  place: z.number().nullable(),
  normalised: z.number().nullable(),
});
const flag = z.object({
  code: z.string(),
  day: z.string().optional(),
  reason_ru: z.string(),
  reason_en: z.string(),
});

export const ratingTableSchema = z.object({
  methodology: z.object({
    id: z.string(),
    version: z.string(),
    combination: z.string(),
    scope: z.string(),
    parameters: z.record(z.string(), z.unknown()),
  }),
  asOf: z.string(),
  previous: z.object({ asOf: z.string(), version: z.string() }).nullable(),
  inputsObservedUntil: z.string().nullable(),
  rows: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      place: z.number().nullable(),
      score: z.number().nullable(),
      indicators: z.record(z.string(), cell),
      placeChange: z.number().nullable(),
      flags: z.array(flag),
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

function summary(id: string) {
  const m = presetMethodology(id);
  return { ...m, computable: (SUPPORTED_METHODOLOGIES as readonly string[]).includes(id) };
}

export const ratingsRoutes: RoutePlugin = async (app, ctx) => {
  app.get(
    '/api/methodologies',
    {
      schema: {
        tags: ['ratings'],
        summary: 'Rating methodologies: texts, formulas, parameters, unknowns',
        response: { 200: z.object({ items: z.array(methodologySummarySchema) }) },
      },
    },
    async () => ({ items: Object.keys(PRESETS).map(summary) }),
  );

  app.get(
    '/api/methodologies/:id',
    {
      schema: {
        tags: ['ratings'],
        summary: 'One methodology',
        params: z.object({ id: z.enum(Object.keys(PRESETS) as [string, ...string[]]) }),
        response: { 200: methodologySummarySchema },
      },
    },
    async (request) => summary(request.params.id),
  );

  app.get(
    '/api/ratings',
    {
      schema: {
        tags: ['ratings'],
        summary: 'A rating of regions for a date, computed from the daily read model (not stored)',
        querystring: ratingQuery,
        response: { 200: ratingTableSchema },
      },
    },
    async (request) =>
      computeRegionRating(ctx.store.db, {
        methodology: request.query.methodology,
        ...(request.query.date ? { date: request.query.date } : {}),
        previousDays: request.query.previous_days,
      }),
  );

  app.get(
    '/api/ratings/export',
    {
      schema: {
        tags: ['ratings'],
        summary: 'A rating as XLSX (with the methodology sheet) or CSV',
        querystring: ratingQuery.extend({
          format: z.enum(['xlsx', 'csv']).default('xlsx'),
          lang: z.enum(['ru', 'en']).default('ru'),
        }),
      },
    },
    async (request, reply) => {
      const { format, lang, methodology: id, date, previous_days } = request.query;
      const table = await computeRegionRating(ctx.store.db, {
        methodology: id,
        ...(date ? { date } : {}),
        previousDays: previous_days,
      });
      const methodology = presetMethodology(id);
      const body =
        format === 'xlsx'
          ? await ratingToXlsx(methodology, table, lang)
          : ratingToCsv(methodology, table, lang);
      const name = `ohvat-rating-${id}-${table.asOf}.${format}`;
      return reply
        .header('content-disposition', `attachment; filename="${name}"`)
        .type(
          format === 'xlsx'
            ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
            : 'text/csv; charset=utf-8',
        )
        .send(body);
    },
  );
};
