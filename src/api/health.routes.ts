import { sql } from 'kysely';
import { z } from 'zod';
import type { RoutePlugin } from './server.ts';

export const healthRoutes: RoutePlugin = async (app, ctx) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database check',
        response: {
          200: z.object({ status: z.literal('ok'), database: z.string() }),
          503: z.object({ status: z.literal('unavailable'), database: z.string(), error: z.string() }),
        },
      },
    },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(ctx.store.db);
        return reply.send({ status: 'ok' as const, database: ctx.store.dialect });
      } catch (error) {
        return reply.status(503).send({
          status: 'unavailable' as const,
          database: ctx.store.dialect,
          error: (error as Error).message,
        });
      }
    },
  );
};
