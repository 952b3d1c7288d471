import { z } from 'zod';
import { changeOf } from '../access/access.plugin.ts';
import { pageSchema } from '../register/common.schema.ts';
import {
  organisationCreateSchema,
  organisationListQuerySchema,
  organisationSchema,
  organisationUpdateSchema,
} from '../register/organisation.schema.ts';
import {
  createOrganisation,
  getOrganisation,
  listOrganisationPage,
  patchOrganisation,
  removeOrganisation,
} from '../register/organisation.service.ts';
import { errorSchema, flagParam, idParamsSchema, requireJsonBody } from './http.schema.ts';
import type { RoutePlugin } from './server.ts';

const TAGS = ['organisations'];

/** The organisations register over HTTP. */
export const organisationsRoutes: RoutePlugin = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/organisations',
    {
      schema: {
        tags: TAGS,
        summary: 'List organisations: filters, sort, page or cursor paging',
        description:
          'Same paging as /api/channels: page + per_page, or cursor = next_cursor of the previous response ' +
          '(keyset on the sort field and id; repeat the same filters and sort).',
        querystring: organisationListQuerySchema,
        response: { 200: pageSchema(organisationSchema), 400: errorSchema },
      },
    },
    async (request) => listOrganisationPage(db, request.query),
  );

  app.get(
    '/api/organisations/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'One organisation',
        params: idParamsSchema,
        response: { 200: organisationSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => getOrganisation(db, request.params.id),
  );

  app.post(
    '/api/organisations',
    {
      onRequest: requireJsonBody,
      schema: {
        tags: TAGS,
        summary: 'Create an organisation',
        description: '409 when an organisation with the same INN exists.',
        body: organisationCreateSchema,
        response: { 201: organisationSchema, 400: errorSchema, 409: errorSchema, 415: errorSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createOrganisation(db, request.body, changeOf(request))),
  );

  app.patch(
    '/api/organisations/:id',
    {
      onRequest: requireJsonBody,
      schema: {
        tags: TAGS,
        summary: 'Change an organisation (only the fields given)',
        params: idParamsSchema,
        body: organisationUpdateSchema,
        response: {
          200: organisationSchema,
          400: errorSchema,
          404: errorSchema,
          409: errorSchema,
          415: errorSchema,
        },
      },
    },
    async (request) => patchOrganisation(db, request.params.id, request.body, changeOf(request)),
  );

  app.delete(
    '/api/organisations/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Delete an organisation (409 while channels reference it, unless force=true)',
        params: idParamsSchema,
        querystring: z
          .object({
            force: flagParam.describe("true: detach the organisation's channels (organisation_id = null)"),
          })
          .strict(),
        response: {
          204: z.undefined().describe('Deleted'),
          400: errorSchema,
          404: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (request, reply) => {
      await removeOrganisation(db, request.params.id, { force: request.query.force }, changeOf(request));
      return reply.status(204).send();
    },
  );
};
