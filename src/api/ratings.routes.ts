import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { PRESETS, presetMethodology } from '../analytics/methodologies/index.ts';
import {
  findPublishedRating,
  listPublishedRatings,
  type PublishedRating,
} from '../analytics/published-rating.repository.ts';
import {
  methodologySummarySchema,
  publishedSummarySchema,
  ratingTableSchema,
  verifySchema,
} from '../analytics/rating.schema.ts';
import {
  computeRating,
  publishRating,
  type RatingRequest,
  type RatingResult,
  ratingMethodology,
  SUPPORTED_METHODOLOGIES,
  verifyPublishedRating,
} from '../analytics/rating.service.ts';
import { ratingFileName, ratingToCsv, ratingToXlsx } from '../analytics/rating-export.service.ts';
import { parseScopeKey } from '../analytics/rating-scope.ts';
import { categoryCodes } from '../register/categories.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import { actorOf } from './actor.ts';
import { errorSchema, requireJsonBody } from './http.schema.ts';
import type { RoutePlugin } from './server.ts';

export { methodologySummarySchema, publishedSummarySchema, ratingTableSchema };

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const period = z
  .string()
  .regex(/^\d{4}-(\d{2}|W\d{2})$/, 'expected a month YYYY-MM or an ISO week YYYY-Www')
  .describe('Месяц YYYY-MM или неделя YYYY-Www / a month or an ISO week');
const scopeFields = {
  scope: z
    .enum(['regions', 'channels', 'municipalities'])
    .default('regions')
    .describe('Что оценивается: регионы, каналы, муниципалитеты региона / what is ranked'),
  category: z.enum(categoryCodes).optional().describe('scope=channels: категория / category'),
  region: z
    .string()
    .regex(/^[A-Za-z]{2}-[A-Za-z]{2,3}$/, 'expected a region code like RU-BA')
    .optional()
    .describe('scope=channels: только регион; scope=municipalities: регион (обязателен)'),
};

export const ratingQuerySchema = z
  .object({
    methodology: z.enum(SUPPORTED_METHODOLOGIES).default('dialog-2025'),
    date: day.optional().describe('Дата рейтинга (по умолчанию — последний день с данными) / rating date'),
    period: period.optional(),
    ...scopeFields,
    previous_days: z.coerce
      .number()
      .int()
      .min(0)
      .max(366)
      .optional()
      .describe(
        'Изменение места — к дате на N дней раньше (7; 0 — без) / place change against N days before',
      ),
    parameters: z.string().max(4000).optional().describe('Параметры методики, JSON / methodology parameters'),
  })
  .strict();

type RatingQuery = z.infer<typeof ratingQuerySchema>;

function parametersOf(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError('parameters: not valid JSON', { parameters: text });
  }
}

function requestOf(q: RatingQuery, parameters: unknown): RatingRequest {
  return {
    methodology: q.methodology,
    ...(parameters === undefined ? {} : { parameters }),
    ...(q.date ? { date: q.date } : {}),
    ...(q.period ? { period: q.period } : {}),
    scope: { kind: q.scope, category: q.category ?? null, region: q.region ?? null },
    ...(q.previous_days === undefined ? {} : { previousDays: q.previous_days }),
  };
}

const SCOPES: Record<string, ('regions' | 'channels' | 'municipalities')[]> = {
  'dialog-2025': ['regions'],
  network: ['regions'],
  'places-average': ['regions', 'channels', 'municipalities'],
  'views-per-post': ['regions', 'channels'],
};

function summary(id: string) {
  const m = presetMethodology(id);
  return {
    ...m,
    scopes: SCOPES[id] ?? [m.scope],
    computable: (SUPPORTED_METHODOLOGIES as readonly string[]).includes(id),
  };
}

/**
 * Published ratings never change, so each one's JSON is serialised once and served as a string afterwards
 * (an LRU map of the most recently used 200).
 */
const publishedJsonCache = new Map<number, string>();
const CACHE_LIMIT = 200;

function publishedJson(published: PublishedRating): string {
  const cached = publishedJsonCache.get(published.id);
  if (cached !== undefined) {
    publishedJsonCache.delete(published.id);
    publishedJsonCache.set(published.id, cached);
    return cached;
  }
  const { table_json, ...meta } = published;
  // The stored table, with the published rating's own description in front of it.
  const json = `{"published":${JSON.stringify(meta)},${table_json.slice(1)}`;
  publishedJsonCache.set(published.id, json);
  if (publishedJsonCache.size > CACHE_LIMIT) {
    publishedJsonCache.delete(publishedJsonCache.keys().next().value as number);
  }
  return json;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function sendFile(
  reply: FastifyReply,
  table: RatingResult,
  format: 'xlsx' | 'csv',
  lang: 'ru' | 'en',
  id?: number,
) {
  const methodology = ratingMethodology(
    table.methodology.id,
    table.methodology.parameters,
    table.scope ?? parseScopeKey('regions'),
  );
  const body =
    format === 'xlsx' ? await ratingToXlsx(methodology, table, lang) : ratingToCsv(methodology, table, lang);
  const name = ratingFileName(table, format, id);
  return reply
    .header(
      'content-disposition',
      `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    )
    .type(format === 'xlsx' ? XLSX_TYPE : 'text/csv; charset=utf-8')
    .send(body);
}

const fileQuery = {
  format: z.enum(['xlsx', 'csv']).default('xlsx'),
  lang: z.enum(['ru', 'en']).default('ru').describe('Язык заголовков / header language'),
};

export const ratingsRoutes: RoutePlugin = async (app, ctx) => {
  const { db } = ctx.store;

  app.get(
    '/api/methodologies',
    {
      schema: {
        tags: ['ratings'],
        summary: 'Методики рейтингов: тексты, формулы, параметры, неизвестные / rating methodologies',
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
        summary: 'Одна методика / one methodology',
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
        summary:
          'Рейтинг на дату или за период, рассчитанный по данным (не сохраняется) / a rating computed live from the read model',
        querystring: ratingQuerySchema,
        response: { 200: ratingTableSchema, 400: errorSchema },
      },
    },
    async (request) => computeRating(db, requestOf(request.query, parametersOf(request.query.parameters))),
  );

  app.get(
    '/api/ratings/export',
    {
      schema: {
        tags: ['ratings'],
        summary: 'Рейтинг в XLSX (с листом «Методика») или CSV / a live rating as XLSX or CSV',
        querystring: ratingQuerySchema.extend(fileQuery),
      },
    },
    async (request, reply) => {
      const table = await computeRating(db, requestOf(request.query, parametersOf(request.query.parameters)));
      return sendFile(reply, table, request.query.format, request.query.lang);
    },
  );

  app.post(
    '/api/ratings',
    {
      onRequest: requireJsonBody,
      schema: {
        tags: ['ratings'],
        summary:
          'Опубликовать рейтинг: таблица сохраняется с методикой, параметрами и датой данных и больше не меняется / publish a rating (immutable)',
        body: z
          .object({
            methodology: z.enum(SUPPORTED_METHODOLOGIES),
            version: z.string().max(20).optional(),
            parameters: z.record(z.string(), z.unknown()).optional(),
            date: day.optional(),
            period: period.optional(),
            scope: scopeFields.scope,
            category: scopeFields.category,
            region: scopeFields.region,
            previous_days: z.number().int().min(0).max(366).optional(),
            title: z.string().trim().min(1).max(300).optional(),
          })
          .strict(),
        response: { 201: publishedSummarySchema, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const published = await publishRating(db, {
        methodology: b.methodology,
        ...(b.version ? { version: b.version } : {}),
        ...(b.parameters ? { parameters: b.parameters } : {}),
        ...(b.date ? { date: b.date } : {}),
        ...(b.period ? { period: b.period } : {}),
        scope: { kind: b.scope, category: b.category ?? null, region: b.region ?? null },
        ...(b.previous_days === undefined ? {} : { previousDays: b.previous_days }),
        title: b.title ?? null,
        createdBy: actorOf(request),
      });
      publishedJson(published);
      const { table_json: _table, ...rest } = published;
      return reply.status(201).send(rest);
    },
  );

  app.get(
    '/api/ratings/published',
    {
      schema: {
        tags: ['ratings'],
        summary: 'Опубликованные рейтинги, новые первыми / published ratings, newest first',
        querystring: z
          .object({
            methodology: z.string().max(64).optional(),
            page: z.coerce.number().int().min(1).default(1),
            per_page: z.coerce.number().int().min(1).max(200).default(50),
          })
          .strict(),
        response: {
          200: z.object({
            items: z.array(publishedSummarySchema),
            total: z.number(),
            page: z.number(),
            per_page: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const { methodology, page, per_page } = request.query;
      const list = await listPublishedRatings(db, {
        ...(methodology ? { methodology } : {}),
        limit: per_page,
        offset: (page - 1) * per_page,
      });
      return { ...list, page, per_page };
    },
  );

  const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
  const loadPublished = async (id: number) => {
    const published = await findPublishedRating(db, id);
    if (!published)
      throw new NotFoundError(`Опубликованный рейтинг ${id} не найден / published rating ${id} not found`);
    return published;
  };

  app.get(
    '/api/ratings/:id',
    {
      schema: {
        tags: ['ratings'],
        summary:
          'Опубликованный рейтинг в точности как опубликован: таблица как в GET /api/ratings и поле published / a published rating exactly as published (the table of GET /api/ratings plus `published`; the stored JSON is sent as is)',
        params: idParams,
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const json = publishedJsonCache.get(id) ?? publishedJson(await loadPublished(id));
      // A published rating never changes: shared caches and browsers may keep the public answer for an hour
      // (signed-in answers stay `private, no-store`, set by the access layer).
      if (!request.principal) reply.header('cache-control', 'public, max-age=3600');
      return reply.type('application/json; charset=utf-8').send(json);
    },
  );

  app.get(
    '/api/ratings/:id/verify',
    {
      schema: {
        tags: ['ratings'],
        summary:
          'Пересчитать опубликованный рейтинг по сохранённым наблюдениям на его дату данных и сравнить / recompute from stored observations and compare',
        params: idParams,
        response: { 200: verifySchema, 404: errorSchema },
      },
    },
    async (request) => verifyPublishedRating(db, await loadPublished(request.params.id)),
  );

  app.get(
    '/api/ratings/:id/export',
    {
      schema: {
        tags: ['ratings'],
        summary: 'Опубликованный рейтинг в XLSX или CSV / a published rating as XLSX or CSV',
        params: idParams,
        querystring: z.object(fileQuery).strict(),
      },
    },
    async (request, reply) => {
      const published = await loadPublished(request.params.id);
      const table = JSON.parse(published.table_json) as RatingResult;
      return sendFile(reply, table, request.query.format, request.query.lang, published.id);
    },
  );
};
