import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { installAccess } from '../access/access.plugin.ts';
import type { Principal } from '../access/principal.ts';
import type { AppContext } from '../shared/app-context.ts';
import { AppError } from '../shared/errors.ts';
import { type Logger, REDACT_PATHS } from '../shared/logger.ts';
import { webRoutes } from '../web/web.routes.ts';
import { analyticsRoutes } from './analytics.routes.ts';
import { auditRoutes } from './audit.routes.ts';
import { authRoutes } from './auth.routes.ts';
import { channelsRoutes } from './channels.routes.ts';
import { collectionRoutes } from './collection.routes.ts';
import { collectionFailingRoutes } from './collection-failing.routes.ts';
import { flagsRoutes } from './flags.routes.ts';
import { healthRoutes } from './health.routes.ts';
import { importRoutes } from './import.routes.ts';
import { maxWebhookRoutes } from './max-webhook.routes.ts';
import { metaRoutes } from './meta.routes.ts';
import { metaListsRoutes } from './meta-lists.routes.ts';
import { installNulGuard } from './nul-guard.ts';
import { observationsImportRoutes } from './observations-import.routes.ts';
import { organisationsRoutes } from './organisations.routes.ts';
import { ratingsRoutes } from './ratings.routes.ts';
import { regionsRoutes } from './regions.routes.ts';
import { tokensRoutes } from './tokens.routes.ts';
import { usersRoutes } from './users.routes.ts';

/** The Fastify instance every route file gets: request types inferred from the zod schemas. */
export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export interface ServerOptions {
  /** Fastify logger on/off (tests turn it off), or the pino logger to use. */
  logger?: boolean | Logger;
  /** Largest JSON request body in bytes (default: config limits.jsonBodyBytes; uploads have their own). */
  bodyLimit?: number;
  /**
   * Requests without credentials act as this principal (tests and embedding only; `ohvat serve` never sets
   * it). Sign-in, tokens, CSRF and the permission table work as usual for requests that carry credentials.
   */
  trustedPrincipal?: Principal;
}

/** Route plugins receive the app context; each file registers one resource. */
export type RoutePlugin = (app: ZodApp, ctx: AppContext) => Promise<void>;

const ROUTES: RoutePlugin[] = [
  maxWebhookRoutes,
  ratingsRoutes,
  analyticsRoutes,
  flagsRoutes,
  collectionRoutes,
  collectionFailingRoutes,
  healthRoutes,
  regionsRoutes,
  metaRoutes,
  metaListsRoutes,
  channelsRoutes,
  organisationsRoutes,
  importRoutes,
  observationsImportRoutes,
  authRoutes,
  usersRoutes,
  tokensRoutes,
  auditRoutes,
  webRoutes,
];

/** Lets later capabilities add their route files without touching this one. */
export function registerRoutes(...plugins: RoutePlugin[]): void {
  for (const plugin of plugins) if (!ROUTES.includes(plugin)) ROUTES.push(plugin);
}

export async function buildServer(ctx: AppContext, options: ServerOptions = {}): Promise<ZodApp> {
  const common = {
    bodyLimit: options.bodyLimit ?? ctx.config.limits.jsonBodyBytes,
    trustProxy: ctx.config.trustProxy,
    ajv: { customOptions: { removeAdditional: false } },
  };
  const loggerInstance: FastifyBaseLogger | undefined =
    typeof options.logger === 'object' ? options.logger : undefined;
  const app = Fastify({
    ...common,
    loggerInstance,
    logger:
      loggerInstance !== undefined
        ? undefined
        : options.logger === false
          ? false
          : { level: ctx.config.logLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.status(400).send({
        error: {
          code: 'validation_failed',
          message: `Invalid request ${error.validationContext ?? ''}`.trim(),
          details: error.validation.flatMap((v) => {
            const path = `${error.validationContext ?? ''}${v.instancePath}`;
            // A strict object lists all its unknown fields in one issue: report one entry per field.
            const unknown =
              v.keyword === 'unrecognized_keys' && Array.isArray(v.params.keys) ? v.params.keys : [];
            if (unknown.length > 0) {
              return unknown.map((key) => ({
                path: `${path.replace(/\/$/, '')}/${String(key)}`,
                message: `unknown field "${String(key)}"`,
              }));
            }
            return [{ path, message: v.message }];
          }),
        },
      } satisfies ErrorBody);
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error }, 'response does not match its schema');
      return reply
        .status(500)
        .send({ error: { code: 'internal_error', message: 'Internal server error' } } satisfies ErrorBody);
    }
    if (error instanceof AppError) {
      return reply.status(error.status).send({
        error: { code: error.code, message: error.message, details: error.details },
      } satisfies ErrorBody);
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply
        .status(500)
        .send({ error: { code: 'internal_error', message: 'Internal server error' } } satisfies ErrorBody);
    }
    return reply.status(status).send({
      error: { code: (error.code ?? 'bad_request').toLowerCase(), message: error.message },
    } satisfies ErrorBody);
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      error: { code: 'not_found', message: `Route ${request.method} ${request.url.split('?')[0]} not found` },
    } satisfies ErrorBody);
  });

  installNulGuard(app);

  // Before any route: the onRoute hook must see every route (permission table, upload limits, strict queries).
  await installAccess(
    app,
    ctx,
    options.trustedPrincipal ? { trustedPrincipal: options.trustedPrincipal } : {},
  );

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Ohvat API',
        description:
          'Реестр официальных каналов госорганов в MAX, сбор аудитории и рейтинги регионов. / Register of official government channels in MAX, audience collection and regional ratings.',
        version: '0.1.0',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  for (const plugin of ROUTES) await plugin(app, ctx);
  await app.ready();
  return app;
}
