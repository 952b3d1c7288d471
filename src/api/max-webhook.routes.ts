import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { MaxApiClient } from '../collect/max/max-api.client.ts';
import { updateSchema } from '../collect/max/max-api.schemas.ts';
import { TokenBucketLimiter } from '../collect/rate-limiter.ts';
import { handleUpdate } from '../collect/updates.service.ts';
import { NotFoundError, UnauthorizedError } from '../shared/errors.ts';
import type { RoutePlugin } from './server.ts';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Webhook deliveries from MAX (`POST /subscriptions` registered with this URL and a secret): `bot_added` and
 * `bot_removed` link channels to the register as the long poll does. Off unless `max.webhookSecret` is set;
 * every delivery must carry the secret in `X-Max-Bot-Api-Secret`.
 */
export const maxWebhookRoutes: RoutePlugin = async (app, ctx) => {
  const secret = ctx.config.max.webhookSecret;
  const token = ctx.config.max.tokens[0];
  const client = token
    ? new MaxApiClient({
        token,
        baseUrl: ctx.config.max.apiUrl,
        timeoutMs: ctx.config.max.timeoutMs,
        retries: ctx.config.max.retries,
        limiter: new TokenBucketLimiter(1),
      })
    : undefined;
  app.post(
    '/api/max/webhook',
    {
      // Deliveries are MAX's JSON as is (a message text may hold anything); the loose schemas drop NULs.
      config: { acceptsNul: true },
      schema: {
        tags: ['collection'],
        summary: 'MAX webhook deliveries (bot_added / bot_removed)',
        headers: z.looseObject({ 'x-max-bot-api-secret': z.string().optional() }),
        body: updateSchema,
        response: { 200: z.object({ ok: z.literal(true), action: z.string() }) },
      },
    },
    async (request) => {
      if (!secret || !client)
        throw new NotFoundError('Webhook deliveries are not enabled (set OHVAT_MAX_WEBHOOK_SECRET)');
      const given = request.headers['x-max-bot-api-secret'];
      if (typeof given !== 'string' || !sameSecret(given, secret))
        throw new UnauthorizedError('Bad webhook secret');
      const outcome = await handleUpdate(ctx.store.db, client, request.body);
      return { ok: true as const, action: outcome.action };
    },
  );
};
