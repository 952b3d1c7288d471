import { z } from 'zod';
import {
  EXCLUSION_MODES,
  FLAG_STATUSES,
  flagReviews,
  listFlags,
} from '../analytics/anomaly-flag.repository.ts';
import { detectAnomalyFlags, reviewAnomalyFlag } from '../analytics/anomaly-flag.service.ts';
import { isDay } from '../analytics/calendar.ts';
import { clearFiguresCache } from '../analytics/region-summary.service.ts';
import { flagSchema } from '../analytics/summary.schema.ts';
import { actorOf } from './actor.ts';
import { errorSchema, idParamsSchema, requireJsonBody } from './http.schema.ts';
import type { RoutePlugin } from './server.ts';

/**
 * Anomaly flags: list, detect, and the review of one flag. A flag belongs to the region of its channel
 * (`region_code` in every answer; `flagRegion(db, id)` in anomaly-flag.service.ts), which is what access
 * control checks before a confirm or a dismiss.
 */

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine(isDay, 'not a calendar day');
/** `a,b` or repeated parameters → a list. */
const list = <T extends z.ZodType<string>>(item: T) =>
  z.preprocess(
    (v) =>
      v === undefined
        ? undefined
        : (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).filter(Boolean),
    z.array(item).max(200).optional(),
  );

/** A channel id in a query: digits within the integer range of the id columns (PostgreSQL `integer`). */
const channelIdParam = z
  .string()
  .regex(/^\d{1,10}$/)
  .refine((v) => Number(v) <= 2_147_483_647, 'channel id out of range');

const flagListSchema = z.object({
  asOf: z.string().describe('When the list was read (ISO)'),
  items: z.array(flagSchema),
  total: z.number(),
  page: z.number(),
  per_page: z.number(),
});

const reviewBody = z
  .object({
    comment: z.string().trim().min(1, 'a comment is required').max(2000).describe('Почему / why'),
  })
  .strict();

export const flagsRoutes: RoutePlugin = async (app, ctx) => {
  const { db } = ctx.store;

  const withReviews = async (items: Awaited<ReturnType<typeof listFlags>>['items']) => {
    const reviews = await flagReviews(
      db,
      items.map((f) => f.id),
    );
    return items.map((f) => ({ ...f, reviews: reviews.filter((r) => r.flag_id === f.id) }));
  };

  app.get(
    '/api/flags',
    {
      schema: {
        tags: ['flags'],
        summary: 'Пометки об аномалиях / anomaly flags (newest day first)',
        querystring: z
          .object({
            status: list(z.enum(FLAG_STATUSES)),
            region: list(z.string().regex(/^[A-Za-z]{2}-[A-Za-z]{2,3}$/)),
            channel: list(channelIdParam).describe('Channel ids'),
            channel_id: list(channelIdParam).describe('Same as channel'),
            rule: list(z.enum(['spike', 'drop', 'sudden_loss', 'growth_without_views'])),
            from: day.optional(),
            to: day.optional(),
            page: z.coerce.number().int().min(1).default(1),
            per_page: z.coerce.number().int().min(1).max(500).default(50),
          })
          .strict(),
        response: { 200: flagListSchema, 400: errorSchema },
      },
    },
    async (request) => {
      const q = request.query;
      const result = await listFlags(
        db,
        {
          ...(q.status ? { status: q.status } : {}),
          ...(q.region ? { region: q.region.map((r) => r.toUpperCase()) } : {}),
          ...(q.channel || q.channel_id
            ? { channel: [...(q.channel ?? []), ...(q.channel_id ?? [])].map(Number) }
            : {}),
          ...(q.rule ? { rule: q.rule } : {}),
          ...(q.from ? { from: q.from } : {}),
          ...(q.to ? { to: q.to } : {}),
        },
        { limit: q.per_page, offset: (q.page - 1) * q.per_page },
      );
      return {
        asOf: new Date().toISOString(),
        items: await withReviews(result.items),
        total: result.total,
        page: q.page,
        per_page: q.per_page,
      };
    },
  );

  app.post(
    '/api/flags/detect',
    {
      onRequest: requireJsonBody,
      schema: {
        tags: ['flags'],
        summary:
          'Найти аномалии в дневных рядах за последние дни и сохранить новые пометки / run the anomaly rules and store new flags',
        body: z
          .object({
            date: day.optional().describe('Последний день (по умолчанию — последний с данными) / last day'),
            days: z.number().int().min(1).max(90).default(7),
            region: z
              .string()
              .regex(/^[A-Za-z]{2}-[A-Za-z]{2,3}$/)
              .optional(),
            channels: z.array(z.number().int().positive()).max(10_000).optional(),
          })
          .strict()
          .default({ days: 7 }),
        response: {
          200: z.object({
            asOf: z.string(),
            from: z.string(),
            channels: z.number(),
            found: z.number(),
            inserted: z.number(),
          }),
          400: errorSchema,
        },
      },
    },
    async (request) => {
      const b = request.body;
      const result = await detectAnomalyFlags(db, {
        days: b.days,
        ...(b.date ? { asOf: b.date } : {}),
        ...(b.region ? { region: b.region.toUpperCase() } : {}),
        ...(b.channels ? { channelIds: b.channels } : {}),
      });
      if (result.inserted > 0) clearFiguresCache();
      return result;
    },
  );

  const review = async (
    status: 'confirmed' | 'dismissed' | 'open',
    id: number,
    body: { comment: string; mode?: 'carry' | 'level' },
    by: string | null,
  ) => {
    const flag = await reviewAnomalyFlag(db, id, {
      status,
      comment: body.comment,
      ...(body.mode ? { mode: body.mode } : {}),
      by,
    });
    clearFiguresCache();
    return (await withReviews([flag]))[0]!;
  };

  app.post(
    '/api/flags/:id/confirm',
    {
      onRequest: requireJsonBody,
      schema: {
        tags: ['flags'],
        summary:
          'Подтвердить аномалию: значение дня исключается из рейтингов (mode=level — вместе со скачком) / confirm a flag',
        params: idParamsSchema,
        body: reviewBody.extend({ mode: z.enum(EXCLUSION_MODES).default('carry') }),
        response: { 200: flagSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => review('confirmed', request.params.id, request.body, actorOf(request)),
  );

  app.post(
    '/api/flags/:id/dismiss',
    {
      onRequest: requireJsonBody,
      schema: {
        tags: ['flags'],
        summary: 'Отклонить пометку: данные остаются как есть / dismiss a flag',
        params: idParamsSchema,
        body: reviewBody,
        response: { 200: flagSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => review('dismissed', request.params.id, request.body, actorOf(request)),
  );

  app.post(
    '/api/flags/:id/reopen',
    {
      onRequest: requireJsonBody,
      schema: {
        tags: ['flags'],
        summary: 'Вернуть пометку на проверку / reopen a reviewed flag',
        params: idParamsSchema,
        body: reviewBody,
        response: { 200: flagSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => review('open', request.params.id, request.body, actorOf(request)),
  );
};
