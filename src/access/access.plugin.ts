import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../shared/app-context.ts';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../shared/errors.ts';
import { recordChange } from './audit.repository.ts';
import { bootstrapAccounts } from './bootstrap.ts';
import { applySecurityHeaders, isSecureRequest, parseCookies, serializeCookie } from './http-security.ts';
import { allows, type PublicAccess, publicAccessOf, type RouteRule, ruleOf } from './permissions.ts';
import { assertRegions, type ChangeContext, type Principal } from './principal.ts';
import { KeyedBuckets } from './rate-limit.ts';
import { safeEqual, sha256Hex } from './secrets.ts';
import { csrfTokenOf, resolveSession, SESSION_COOKIE, sessionSettings } from './session.service.ts';
import { resolveApiToken } from './token.service.ts';

/**
 * Access control for the whole server, installed once on the root instance before any route:
 * - onRoute: collects every route, gives upload routes the upload size limit, makes the query of every API
 *   route without a query schema strict (unknown parameters → 400);
 * - onRequest: per-address and per-token rate limits, authentication (Bearer API token, else the session
 *   cookie), the permission table (a route without an entry is refused), CSRF for cookie-authenticated
 *   state-changing requests;
 * - preHandler: region checks declared in the table (after validation);
 * - onSend: security headers, `no-store` for signed-in answers, audit entries declared in the table.
 */

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is making the request; null when anonymous. */
    principal: Principal | null;
    /** How the principal was established. */
    authVia: 'session' | 'token' | 'trusted' | null;
  }
}

export interface AccessOptions {
  /**
   * Requests without credentials act as this principal. For tests and embedding only — never set from
   * configuration; `ohvat serve` does not use it.
   */
  trustedPrincipal?: Principal;
}

export interface RegisteredRoute {
  method: string;
  url: string;
  /** The route's validation schemas as registered (zod for API routes). */
  body: unknown;
  querystring: unknown;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CSRF_HEADER = 'x-csrf-token';

interface RequestState {
  sessionSecret?: string;
  expiresAt?: string;
  auditBefore?: unknown;
  regions?: (string | null)[];
}

const routesOf = new WeakMap<FastifyInstance, RegisteredRoute[]>();
const stateOf = new WeakMap<FastifyRequest, RequestState>();

function state(request: FastifyRequest): RequestState {
  let s = stateOf.get(request);
  if (!s) {
    s = {};
    stateOf.set(request, s);
  }
  return s;
}

/** Every route registered after access control was installed (the permission test enumerates them). */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  return [...(routesOf.get(app) ?? [])];
}

/** The session of a cookie-authenticated request: its CSRF token and end (for `GET /api/auth/me`). */
export function sessionOf(request: FastifyRequest): { csrfToken: string; expiresAt: string } | null {
  const s = stateOf.get(request);
  if (!s?.sessionSecret || !s.expiresAt) return null;
  return { csrfToken: csrfTokenOf(s.sessionSecret), expiresAt: s.expiresAt };
}

/** The stored id of the request's session (SHA-256 of its secret), when authenticated by cookie. */
export function currentSessionId(request: FastifyRequest): string | null {
  const secret = stateOf.get(request)?.sessionSecret;
  return secret === undefined ? null : sha256Hex(secret);
}

/** The change context of a request, for the services that change data (401 when anonymous). */
export function changeOf(request: FastifyRequest): ChangeContext {
  if (!request.principal) throw new UnauthorizedError('Войдите в систему / sign in first');
  return { principal: request.principal, ip: request.ip ?? null };
}

/**
 * The regions an operator is limited to (imports reject rows outside them); undefined for administrators
 * (and the other roles, which the permission table keeps away from changes).
 */
export function regionLimitOf(
  request: FastifyRequest,
): { allowedRegions: readonly string[] } | Record<string, never> {
  const p = request.principal;
  return p && p.role === 'operator' ? { allowedRegions: p.regions } : {};
}

function methodsOf(route: RouteOptions): string[] {
  return Array.isArray(route.method) ? route.method : [route.method];
}

function isApiUrl(url: string): boolean {
  return url.startsWith('/api/') && !url.startsWith('/api/docs');
}

function secretFromAuthorization(header: string | undefined): string | null | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

function tooMany(reply: FastifyReply, retryAfter: number, what: string): never {
  reply.header('retry-after', String(retryAfter));
  throw new TooManyRequestsError(
    `Слишком много запросов, повторите через ${retryAfter} с / too many ${what}`,
    {
      retry_after: retryAfter,
    },
  );
}

export async function installAccess(app: FastifyInstance, ctx: AppContext, options: AccessOptions = {}) {
  const { db } = ctx.store;
  const publicAccess: PublicAccess = publicAccessOf(ctx.config);
  const settings = sessionSettings(ctx.config);
  const limits = ctx.config.limits;
  const ipBuckets = new KeyedBuckets(limits.requestsPerSecond, limits.burst);
  const tokenBuckets = new KeyedBuckets(limits.requestsPerSecond, limits.burst);
  const routes: RegisteredRoute[] = [];
  routesOf.set(app, routes);

  await bootstrapAccounts(ctx);

  app.decorateRequest('principal', null);
  app.decorateRequest('authVia', null);

  app.addHook('onRoute', (route) => {
    const rules = methodsOf(route).map((m) => ruleOf(m, route.url));
    if (rules.some((r) => r === undefined)) {
      ctx.logger.warn(
        { url: route.url, method: route.method },
        'route has no permission entry: it is refused',
      );
    }
    if (rules.some((r) => r?.upload)) route.bodyLimit = limits.uploadBytes;
    if (isApiUrl(route.url)) {
      route.schema ??= {};
      route.schema.querystring ??= z.object({}).strict();
    }
    for (const method of methodsOf(route)) {
      routes.push({
        method,
        url: route.url,
        body: route.schema?.body,
        querystring: route.schema?.querystring,
      });
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/api/') && !path.startsWith('/api/docs')) {
      const taken = ipBuckets.take(`ip:${request.ip}`);
      if (!taken.ok) tooMany(reply, taken.retryAfter, 'requests');
    }
    await authenticate(request, reply);
    if (request.authVia === 'token' && request.principal?.id != null) {
      const taken = tokenBuckets.take(`token:${request.principal.id}`);
      if (!taken.ok) tooMany(reply, taken.retryAfter, 'requests for this token');
    }
    const url = request.routeOptions.url;
    if (url === undefined) return; // No such route: the 404 handler answers.
    const rule = ruleOf(request.method, url);
    if (!rule) {
      throw new ForbiddenError(`Маршрут не описан в таблице прав / route not in the permission table`, {
        route: `${request.method} ${url}`,
      });
    }
    if (!allows(rule.need, request.principal, publicAccess)) {
      if (request.principal === null) {
        throw new UnauthorizedError('Войдите в систему / sign in to continue', { need: rule.need });
      }
      throw new ForbiddenError(`Недостаточно прав / not allowed for role ${request.principal.role}`, {
        need: rule.need,
        role: request.principal.role,
      });
    }
    if (request.authVia === 'session' && UNSAFE.has(request.method) && rule.need !== 'open') {
      const given = request.headers[CSRF_HEADER];
      const secret = state(request).sessionSecret!;
      if (typeof given !== 'string' || !safeEqual(given, csrfTokenOf(secret))) {
        throw new ForbiddenError(
          'Нет или неверен заголовок X-CSRF-Token / missing or wrong X-CSRF-Token header',
          { code: 'csrf' },
        );
      }
    }
  });

  app.addHook('preHandler', async (request) => {
    const rule = ruleFor(request);
    if (!rule || !request.principal) return;
    if (rule.regions) {
      const regions = await rule.regions(request, db);
      state(request).regions = regions;
      assertRegions(request.principal, regions, `${request.method} ${request.routeOptions.url}`);
    }
    if (rule.audit?.before) state(request).auditBefore = await rule.audit.before(request, db);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    applySecurityHeaders(request, reply, isSecureRequest(request, ctx.config.publicUrl));
    if (request.principal && request.authVia !== 'trusted' && !reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'private, no-store');
    }
    const rule = ruleFor(request);
    if (rule?.audit && reply.statusCode >= 200 && reply.statusCode < 300 && request.principal) {
      await auditResponse(request, rule, payload).catch((error: unknown) =>
        request.log.error({ err: error }, 'audit entry not written'),
      );
    }
    return payload;
  });

  function ruleFor(request: FastifyRequest): RouteRule | undefined {
    const url = request.routeOptions.url;
    return url === undefined ? undefined : ruleOf(request.method, url);
  }

  async function auditResponse(request: FastifyRequest, rule: RouteRule, payload: unknown): Promise<void> {
    const audit = rule.audit!;
    let body: unknown = null;
    if (typeof payload === 'string') {
      try {
        body = JSON.parse(payload) as unknown;
      } catch {
        body = null;
      }
    }
    const params = request.params;
    const fromParams =
      params !== null && typeof params === 'object' && 'id' in params ? String(params.id) : undefined;
    const fromBody =
      body !== null && typeof body === 'object' && 'id' in body && typeof body.id === 'number'
        ? String(body.id)
        : undefined;
    if (audit.when && !audit.when(body)) return;
    const s = stateOf.get(request);
    await recordChange(db, changeOf(request), {
      action: audit.action,
      entity_type: audit.entity_type,
      entity_id: fromParams ?? fromBody ?? null,
      region_code: s?.regions?.[0] ?? null,
      before: s?.auditBefore,
      after: audit.after ? audit.after(body) : body,
    });
  }

  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const bearer = secretFromAuthorization(request.headers.authorization);
    if (bearer !== undefined) {
      const principal = bearer === null ? null : await resolveApiToken(db, bearer);
      if (!principal) {
        reply.header('www-authenticate', 'Bearer');
        throw new UnauthorizedError(
          'Токен не принят (неизвестен или отозван) / token refused (unknown or revoked)',
        );
      }
      request.principal = principal;
      request.authVia = 'token';
      return;
    }
    const secret = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
    if (secret !== undefined) {
      const session = await resolveSession(db, secret, settings);
      if (session) {
        request.principal = session.principal;
        request.authVia = 'session';
        const s = state(request);
        s.sessionSecret = secret;
        s.expiresAt = session.expiresAt;
        return;
      }
      // A stale cookie: forget it in the browser.
      reply.header(
        'set-cookie',
        serializeCookie(SESSION_COOKIE, '', {
          maxAgeSeconds: 0,
          secure: isSecureRequest(request, ctx.config.publicUrl),
        }),
      );
    }
    if (options.trustedPrincipal) {
      request.principal = options.trustedPrincipal;
      request.authVia = 'trusted';
    }
  }
}
