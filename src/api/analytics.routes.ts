import { z } from 'zod';
import { addDays, isDay } from '../analytics/calendar.ts';
import { channelSummary } from '../analytics/channel-summary.service.ts';
import { forecastOf, overview } from '../analytics/overview.service.ts';
import { defaultRatingDate } from '../analytics/rating.service.ts';
import { regionSummary } from '../analytics/region-summary.service.ts';
import { BUCKETS, channelLastDay, channelSeries, SERIES_METRICS } from '../analytics/series.repository.ts';
import {
  channelSummarySchema,
  forecastResultSchema,
  overviewSchema,
  regionSummarySchema,
  seriesSchema,
} from '../analytics/summary.schema.ts';
import { findChannel } from '../register/channel.repository.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import { errorSchema, idParamsSchema } from './http.schema.ts';
import type { RoutePlugin } from './server.ts';

/**
 * Read-only analytics over the daily read model: the overview, a region's and a channel's summary, a
 * channel's series by day/week/month and forecasts.
 */

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine(isDay, 'not a calendar day');
const regionCode = z.string().regex(/^[A-Za-z]{2}-[A-Za-z]{2,3}$/, 'expected a region code like RU-BA');

export const analyticsRoutes: RoutePlugin = async (app, ctx) => {
  const { db } = ctx.store;

  app.get(
    '/api/overview',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Обзор: каналы и подписчики, прирост за 7/30/90 дней, ряд с прогнозом, категории, лидеры изменений / overview',
        querystring: z
          .object({
            date: day
              .optional()
              .describe('По умолчанию — последний полный день / default: the latest complete day'),
            forecast_days: z.coerce.number().int().min(1).max(730).default(90),
            history_days: z.coerce.number().int().min(7).max(730).default(180),
          })
          .strict(),
        response: { 200: overviewSchema, 400: errorSchema },
      },
    },
    async (request) =>
      overview(db, {
        ...(request.query.date ? { date: request.query.date } : {}),
        forecastDays: request.query.forecast_days,
        historyDays: request.query.history_days,
      }),
  );

  app.get(
    '/api/forecast',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Прогноз числа каналов или подписчиков (страна, регион или канал) с интервалами и ошибкой на истории / forecast',
        querystring: z
          .object({
            target: z.enum(['channels', 'subscribers']).default('subscribers'),
            region: regionCode.optional(),
            channel: z.coerce.number().int().positive().max(2_147_483_647).optional(),
            days: z.coerce.number().int().min(1).max(730).default(90),
            date: day.optional().describe('Последний день истории / last day of the history'),
          })
          .strict(),
        response: { 200: forecastResultSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const q = request.query;
      return forecastOf(db, {
        target: q.target,
        region: q.region?.toUpperCase() ?? null,
        channel: q.channel ?? null,
        days: q.days,
        ...(q.date ? { asOf: q.date } : {}),
      });
    },
  );

  app.get(
    '/api/regions/:code/summary',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Сводка по региону: показатели и медиана по стране, категории, классы страниц, доли, отстающие, муниципалитеты / region summary',
        params: z.object({ code: regionCode }),
        querystring: z.object({ date: day.optional() }).strict(),
        response: { 200: regionSummarySchema, 404: errorSchema },
      },
    },
    async (request) =>
      regionSummary(
        db,
        request.params.code.toUpperCase(),
        request.query.date ? { date: request.query.date } : {},
      ),
  );

  app.get(
    '/api/channels/:id/summary',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Сводка по каналу: показатели, заполненность страницы, сбор, пометки об аномалиях / channel summary',
        params: idParamsSchema,
        querystring: z.object({ date: day.optional() }).strict(),
        response: { 200: channelSummarySchema, 404: errorSchema },
      },
    },
    async (request) =>
      channelSummary(db, request.params.id, request.query.date ? { date: request.query.date } : {}),
  );

  app.get(
    '/api/channels/:id/series',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Ряд канала по дням, неделям или месяцам: подписчики, просмотры за 24 ч / 7 дней, публикации / channel series',
        params: idParamsSchema,
        querystring: z
          .object({
            metric: z.enum(SERIES_METRICS).default('subscribers'),
            from: day.optional().describe('По умолчанию — 90 дней до to / default: 90 days before `to`'),
            to: day
              .optional()
              .describe('По умолчанию — последний день с данными / default: the last day with data'),
            bucket: z.enum(BUCKETS).default('day'),
          })
          .strict(),
        response: { 200: seriesSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await findChannel(db, id)))
        throw new NotFoundError(`Канал ${id} не найден / channel ${id} not found`);
      const last = await channelLastDay(db, id);
      const to = request.query.to ?? last ?? (await defaultRatingDate(db));
      const from = request.query.from ?? addDays(to, -89);
      if (from > to) throw new ValidationError('from is after to', { from, to });
      if (addDays(from, 3660) < to)
        throw new ValidationError('the range is longer than 10 years', { from, to });
      const { metric, bucket } = request.query;
      return {
        channel_id: id,
        metric,
        bucket,
        from,
        to,
        asOf: last,
        points: await channelSeries(db, id, metric, { from, to, bucket }),
      };
    },
  );
};
