import { z } from 'zod';
import { populationHistory, regionsWithPopulationAt } from '../register/region.repository.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { RoutePlugin } from './server.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const regionSchema = z.object({
  code: z.string(),
  name_ru: z.string(),
  name_en: z.string(),
  type: z.string(),
  federal_district: z.string(),
  okato: z.string().nullable(),
  capital: z.string().nullable(),
  population: z.number().nullable(),
  population_as_of: z.string().nullable(),
  population_source: z.string().nullable(),
});

export const regionListSchema = z.object({
  items: z.array(regionSchema),
  total: z.number(),
  date: z.string(),
});

export const regionDetailSchema = regionSchema.extend({
  population_history: z.array(z.object({ as_of: z.string(), population: z.number(), source: z.string() })),
});

const today = () => new Date().toISOString().slice(0, 10);

export const regionsRoutes: RoutePlugin = async (app, ctx) => {
  app.get(
    '/api/regions',
    {
      schema: {
        tags: ['register'],
        summary: 'All 89 regions with the population valid at a date',
        querystring: z.object({ date: isoDate.optional() }).strict(),
        response: { 200: regionListSchema },
      },
    },
    async (request) => {
      const date = request.query.date ?? today();
      const items = await regionsWithPopulationAt(ctx.store.db, date);
      return { items, total: items.length, date };
    },
  );

  app.get(
    '/api/regions/:code',
    {
      schema: {
        tags: ['register'],
        summary: 'One region with its population history',
        params: z.object({ code: z.string().min(2).max(10) }),
        querystring: z.object({ date: isoDate.optional() }).strict(),
        response: { 200: regionDetailSchema },
      },
    },
    async (request) => {
      const { code } = request.params;
      const date = request.query.date ?? today();
      const region = (await regionsWithPopulationAt(ctx.store.db, date)).find(
        (r) => r.code === code.toUpperCase(),
      );
      if (!region) throw new NotFoundError(`Region ${code} not found`, { code });
      const history = await populationHistory(ctx.store.db, region.code);
      return {
        ...region,
        population_history: history.map(({ as_of, population, source }) => ({ as_of, population, source })),
      };
    },
  );
};
