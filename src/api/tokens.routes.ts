import { z } from 'zod';
import { changeOf } from '../access/access.plugin.ts';
import { apiTokenCreatedSchema, apiTokenCreateSchema, apiTokenSchema } from '../access/access.schema.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../access/token.service.ts';
import { errorSchema, idParamsSchema, requireJsonBody } from './http.schema.ts';
import type { RoutePlugin } from './server.ts';

/** API tokens (administrators only): the token is in the creation answer only; revocation is immediate. */
export const tokensRoutes: RoutePlugin = async (app, ctx) => {
  const { db } = ctx.store;
  const TAGS = ['access'];

  app.get(
    '/api/tokens',
    {
      schema: {
        tags: TAGS,
        summary: 'API-токены (без самих токенов) / API tokens (without the secrets)',
        response: { 200: z.object({ items: z.array(apiTokenSchema), total: z.number() }) },
      },
    },
    async () => {
      const items = await listApiTokens(db);
      return { items, total: items.length };
    },
  );

  app.post(
    '/api/tokens',
    {
      onRequest: requireJsonBody,
      schema: {
        tags: TAGS,
        summary: 'Создать API-токен: показывается один раз / create an API token (shown once)',
        body: apiTokenCreateSchema,
        response: { 201: apiTokenCreatedSchema, 400: errorSchema, 415: errorSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createApiToken(db, request.body, changeOf(request))),
  );

  app.delete(
    '/api/tokens/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Отозвать API-токен (сразу) / revoke an API token (at once)',
        params: idParamsSchema,
        response: { 200: apiTokenSchema, 404: errorSchema },
      },
    },
    async (request) => revokeApiToken(db, request.params.id, changeOf(request)),
  );
};
