import { z } from 'zod';
import { collectionHealth } from '../collect/channel-state.repository.ts';
import { findRun, listRuns } from '../collect/collection-run.repository.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { CollectionRun } from '../store/schema.ts';
import type { RoutePlugin } from './server.ts';

export const collectionRunSchema = z.object({
  id: z.number(),
  mode: z.string(),
  status: z.string(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  duration_ms: z.number().nullable(),
  channels_total: z.number(),
  channels_ok: z.number(),
  channels_failed: z.number(),
  /** Bot API requests (the token's rate limit applies to these). */
  requests: z.number(),
  /** Public page reads (a separate, polite limit). */
  page_requests: z.number(),
  rate_limited: z.number(),
  /** Bot API requests per second achieved over the run (page reads not included). */
  requests_per_second: z.number().nullable(),
  errors_by_kind: z.record(z.string(), z.number()),
  note: z.string().nullable(),
});

export function runView(run: CollectionRun): z.infer<typeof collectionRunSchema> {
  const duration = run.finished_at === null ? null : run.finished_at - run.started_at;
  return {
    id: run.id,
    mode: run.mode,
    status: run.status,
    started_at: new Date(run.started_at).toISOString(),
    finished_at: run.finished_at === null ? null : new Date(run.finished_at).toISOString(),
    duration_ms: duration,
    channels_total: run.channels_total,
    channels_ok: run.channels_ok,
    channels_failed: run.channels_failed,
    requests: run.requests,
    page_requests: run.page_requests,
    rate_limited: run.rate_limited,
    requests_per_second:
      duration && duration > 0 ? Math.round((run.requests / (duration / 1000)) * 100) / 100 : null,
    errors_by_kind: JSON.parse(run.errors_by_kind) as Record<string, number>,
    note: run.note,
  };
}

export const collectionRoutes: RoutePlugin = async (app, ctx) => {
  app.get(
    '/api/collection/runs',
    {
      schema: {
        tags: ['collection'],
        summary: 'Collection runs, newest first',
        querystring: z
          .object({
            page: z.coerce.number().int().min(1).default(1),
            per_page: z.coerce.number().int().min(1).max(200).default(20),
          })
          .strict(),
        response: {
          200: z.object({
            items: z.array(collectionRunSchema),
            total: z.number(),
            page: z.number(),
            per_page: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const { page, per_page } = request.query;
      const { items, total } = await listRuns(ctx.store.db, per_page, (page - 1) * per_page);
      return { items: items.map(runView), total, page, per_page };
    },
  );

  app.get(
    '/api/collection/runs/:id',
    {
      schema: {
        tags: ['collection'],
        summary: 'One collection run',
        params: z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) }),
        response: { 200: collectionRunSchema },
      },
    },
    async (request) => {
      const run = await findRun(ctx.store.db, request.params.id);
      if (!run) throw new NotFoundError(`Collection run ${request.params.id} not found`);
      return runView(run);
    },
  );

  app.get(
    '/api/collection/status',
    {
      schema: {
        tags: ['collection'],
        summary: 'Channels due and failing, errors by kind, and the rate limit',
        response: {
          200: z.object({
            channels: z.number(),
            due: z.number(),
            failing: z.number(),
            never_collected: z.number(),
            failing_by_kind: z.record(z.string(), z.number()),
            rate_limit_per_second: z.number(),
            tokens: z.number(),
            mode: z.enum(['embedded', 'scaled', 'off']),
            last_run: collectionRunSchema.nullable(),
          }),
        },
      },
    },
    async () => {
      const health = await collectionHealth(ctx.store.db, Date.now());
      const last = (await listRuns(ctx.store.db, 1, 0)).items[0];
      return {
        channels: health.channels,
        due: health.due,
        failing: health.failing,
        never_collected: health.neverCollected,
        failing_by_kind: health.failingByKind,
        rate_limit_per_second: ctx.config.max.requestsPerSecond * Math.max(1, ctx.config.max.tokens.length),
        tokens: ctx.config.max.tokens.length,
        mode: ctx.config.redisUrl
          ? ('scaled' as const)
          : ctx.config.collectInProcess
            ? ('embedded' as const)
            : ('off' as const),
        last_run: last ? runView(last) : null,
      };
    },
  );
};
