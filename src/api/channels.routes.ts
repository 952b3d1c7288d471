import { z } from 'zod';
import { changeOf } from '../access/access.plugin.ts';
import {
  channelCreateSchema,
  channelListQuerySchema,
  channelSchema,
  channelUpdateSchema,
} from '../register/channel.schema.ts';
import {
  createChannel,
  getChannel,
  listChannelPage,
  patchChannel,
  removeChannel,
} from '../register/channel.service.ts';
import { pageSchema } from '../register/common.schema.ts';
import { errorSchema, flagParam, idParamsSchema, requireJsonBody } from './http.schema.ts';
import type { RoutePlugin } from './server.ts';

const TAGS = ['channels'];

/** The channel register over HTTP: list with filters and paging, read, create, PATCH, soft/hard delete. */
export const channelsRoutes: RoutePlugin = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/channels',
    {
      schema: {
        tags: TAGS,
        summary: 'List channels: filters, sort, page or cursor paging',
        description:
          'Filters combine with AND; list filters take several codes (repeated or comma-separated). ' +
          'Paging: page + per_page (offset), or cursor = next_cursor of the previous response (keyset on the ' +
          'sort field and id; works with every sort; repeat the same filters and sort). total counts every ' +
          'matching row. Empty sort values (null) come last in both directions.',
        querystring: channelListQuerySchema,
        response: { 200: pageSchema(channelSchema), 400: errorSchema },
      },
    },
    async (request) => listChannelPage(db, request.query),
  );

  app.get(
    '/api/channels/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'One channel',
        params: idParamsSchema,
        response: { 200: channelSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => getChannel(db, request.params.id),
  );

  app.post(
    '/api/channels',
    {
      onRequest: requireJsonBody,
      schema: {
        tags: TAGS,
        summary: 'Create a channel',
        description:
          'nickname accepts max.ru/name, https://max.ru/name, @name or name and is stored bare; url defaults ' +
          'to the canonical page. 409 when the platform+nickname or platform+chat_id exists (details name it).',
        body: channelCreateSchema,
        response: { 201: channelSchema, 400: errorSchema, 409: errorSchema, 415: errorSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createChannel(db, request.body, changeOf(request))),
  );

  app.patch(
    '/api/channels/:id',
    {
      onRequest: requireJsonBody,
      schema: {
        tags: TAGS,
        summary: 'Change a channel (only the fields given)',
        params: idParamsSchema,
        body: channelUpdateSchema,
        response: {
          200: channelSchema,
          400: errorSchema,
          404: errorSchema,
          409: errorSchema,
          415: errorSchema,
        },
      },
    },
    async (request) => patchChannel(db, request.params.id, request.body, changeOf(request)),
  );

  app.delete(
    '/api/channels/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Delete a channel: status "removed" (default), or the row with its history (hard=true)',
        params: idParamsSchema,
        querystring: z
          .object({
            hard: flagParam.describe('true: delete the row with its observations and posts (204)'),
          })
          .strict(),
        response: {
          200: channelSchema.describe('Soft delete: the channel, now with status "removed"'),
          204: z.undefined().describe('Hard delete: the channel and its history are gone'),
          400: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const removed = await removeChannel(
        db,
        request.params.id,
        { hard: request.query.hard },
        changeOf(request),
      );
      if (removed === null) return reply.status(204).send();
      return removed;
    },
  );
};
