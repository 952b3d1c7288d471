import { z } from 'zod';
import { listFailingChannels } from '../collect/channel-failures.repository.ts';
import type { RoutePlugin } from './server.ts';

/** Read-only list of the channels whose collection is failing now (the dashboard's collection page). */

export const failingChannelSchema = z.object({
  id: z.number(),
  title: z.string().nullable(),
  nickname: z.string().nullable(),
  region_code: z.string().nullable(),
  category: z.string(),
  last_error_kind: z.string().nullable(),
  last_error: z.string().nullable(),
  consecutive_failures: z.number(),
  /** ISO instants. */
  last_attempt_at: z.string().nullable(),
  last_success_at: z.string().nullable(),
});

export const failingChannelListSchema = z.object({
  items: z.array(failingChannelSchema),
  total: z.number(),
  page: z.number(),
  per_page: z.number(),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const collectionFailingRoutes: RoutePlugin = async (app, ctx) => {
  app.get(
    '/api/collection/failing',
    {
      schema: {
        tags: ['collection'],
        summary: 'Channels whose collection is failing, the longest-failing first',
        querystring: z
          .object({
            kind: z.string().max(60).optional(),
            page: z.coerce.number().int().min(1).default(1),
            per_page: z.coerce.number().int().min(1).max(200).default(20),
          })
          .strict(),
        response: { 200: failingChannelListSchema },
      },
    },
    async (request) => {
      const { kind, page, per_page } = request.query;
      const { items, total } = await listFailingChannels(ctx.store.db, {
        ...(kind ? { kind } : {}),
        limit: per_page,
        offset: (page - 1) * per_page,
      });
      return {
        items: items.map((c) => ({
          ...c,
          last_attempt_at: iso(c.last_attempt_at),
          last_success_at: iso(c.last_success_at),
        })),
        total,
        page,
        per_page,
      };
    },
  );
};
