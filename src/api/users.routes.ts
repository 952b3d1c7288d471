import { z } from 'zod';
import { changeOf, currentSessionId } from '../access/access.plugin.ts';
import { userCreateSchema, userSchema, userUpdateSchema } from '../access/access.schema.ts';
import { createUser, getUserView, listUserViews, updateUserAccount } from '../access/user.service.ts';
import { errorSchema, idParamsSchema, requireJsonBody } from './http.schema.ts';
import type { RoutePlugin } from './server.ts';

/** Users (administrators only): list, read, create, change role/regions/password, disable. */
export const usersRoutes: RoutePlugin = async (app, ctx) => {
  const { db } = ctx.store;
  const TAGS = ['access'];

  app.get(
    '/api/users',
    {
      schema: {
        tags: TAGS,
        summary: 'Пользователи / users',
        response: { 200: z.object({ items: z.array(userSchema), total: z.number() }) },
      },
    },
    async () => {
      const items = await listUserViews(db);
      return { items, total: items.length };
    },
  );

  app.get(
    '/api/users/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Пользователь / one user',
        params: idParamsSchema,
        response: { 200: userSchema, 404: errorSchema },
      },
    },
    async (request) => getUserView(db, request.params.id),
  );

  app.post(
    '/api/users',
    {
      onRequest: requireJsonBody,
      schema: {
        tags: TAGS,
        summary: 'Создать пользователя (оператору — регионы) / create a user (operators need regions)',
        body: userCreateSchema,
        response: { 201: userSchema, 400: errorSchema, 409: errorSchema, 415: errorSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await createUser(db, request.body, changeOf(request))),
  );

  app.patch(
    '/api/users/:id',
    {
      onRequest: requireJsonBody,
      schema: {
        tags: TAGS,
        summary:
          'Изменить пользователя: роль, регионы, пароль, отключить (сессии завершаются) / change a user (ends their sessions)',
        params: idParamsSchema,
        body: userUpdateSchema,
        response: { 200: userSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema, 415: errorSchema },
      },
    },
    async (request) => {
      const keep = currentSessionId(request);
      return updateUserAccount(db, request.params.id, request.body, changeOf(request), {
        ...(keep && request.principal?.id === request.params.id ? { keepSession: keep } : {}),
      });
    },
  );
};
