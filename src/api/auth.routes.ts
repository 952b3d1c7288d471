import { z } from 'zod';
import { sessionOf } from '../access/access.plugin.ts';
import { loginBodySchema, meSchema, userSchema } from '../access/access.schema.ts';
import { DEMO_ACCOUNT } from '../access/bootstrap.ts';
import { isSecureRequest, parseCookies, serializeCookie } from '../access/http-security.ts';
import { publicAccessOf } from '../access/permissions.ts';
import { LoginLimiter } from '../access/rate-limit.ts';
import { endSession, SESSION_COOKIE, sessionSettings, startSession } from '../access/session.service.ts';
import { findUser, normaliseLogin, withRegions } from '../access/user.repository.ts';
import { checkCredentials, toUserView } from '../access/user.service.ts';
import { AppError, TooManyRequestsError } from '../shared/errors.ts';
import { errorSchema, requireJsonBody } from './http.schema.ts';
import type { RoutePlugin } from './server.ts';

/**
 * Sign-in for people: `POST /api/auth/login` sets the `ohvat_session` cookie (HttpOnly, SameSite=Lax, Secure
 * over https) and returns the CSRF token to send as `X-CSRF-Token` with every state-changing request;
 * `POST /api/auth/logout`; `GET /api/auth/me` (who am I, the CSRF token again after a reload). Failed
 * sign-ins are limited per address and per login (429 with Retry-After).
 */

class BadCredentialsError extends AppError {
  override readonly status = 401;
  override readonly code = 'bad_credentials';
}

const loginResponse = z.object({
  user: userSchema,
  csrf_token: z.string().describe('Send as X-CSRF-Token with every POST/PATCH/PUT/DELETE'),
  expires_at: z.string(),
});

export const authRoutes: RoutePlugin = async (app, ctx) => {
  const { db } = ctx.store;
  const settings = sessionSettings(ctx.config);
  const limiter = new LoginLimiter(ctx.config.limits.loginAttemptsPerMinute);
  const publicAccess = publicAccessOf(ctx.config);

  app.post(
    '/api/auth/login',
    {
      onRequest: requireJsonBody,
      schema: {
        tags: ['access'],
        summary: 'Вход: cookie сессии и CSRF-токен / sign in: session cookie and CSRF token',
        body: loginBodySchema,
        response: {
          200: loginResponse,
          400: errorSchema,
          401: errorSchema,
          415: errorSchema,
          429: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const login = normaliseLogin(request.body.login);
      const attempt = limiter.attempt(request.ip, login);
      if (!attempt.ok) {
        reply.header('retry-after', String(attempt.retryAfter));
        throw new TooManyRequestsError(
          `Слишком много попыток входа, повторите через ${attempt.retryAfter} с / too many sign-in attempts`,
          { retry_after: attempt.retryAfter },
        );
      }
      const user = await checkCredentials(db, login, request.body.password);
      if (!user) {
        request.log.warn({ login, ip: request.ip }, 'sign-in failed');
        throw new BadCredentialsError('Неверный логин или пароль / wrong login or password');
      }
      limiter.succeeded(request.ip, login);
      const previous = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
      if (previous !== undefined) await endSession(db, previous);
      const session = await startSession(db, user.id, settings, {
        ip: request.ip ?? null,
        userAgent: request.headers['user-agent'] ?? null,
      });
      request.log.info({ login: user.login, ip: request.ip }, 'signed in');
      reply.header(
        'set-cookie',
        serializeCookie(SESSION_COOKIE, session.secret, {
          maxAgeSeconds: settings.maxMs / 1000,
          secure: isSecureRequest(request, ctx.config.publicUrl),
        }),
      );
      return { user: toUserView(user), csrf_token: session.csrfToken, expires_at: session.expiresAt };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['access'],
        summary: 'Выход: сессия завершается / sign out',
        response: { 204: z.undefined(), 401: errorSchema, 403: errorSchema },
      },
    },
    async (request, reply) => {
      const secret = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
      if (request.authVia === 'session' && secret !== undefined) await endSession(db, secret);
      reply.header(
        'set-cookie',
        serializeCookie(SESSION_COOKIE, '', {
          maxAgeSeconds: 0,
          secure: isSecureRequest(request, ctx.config.publicUrl),
        }),
      );
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        tags: ['access'],
        summary: 'Кто я: пользователь и CSRF-токен (user = null без входа) / who am I',
        response: { 200: meSchema },
      },
    },
    async (request) => {
      const principal = request.principal;
      const session = sessionOf(request);
      const row =
        principal?.kind === 'user' && principal.id !== null ? await findUser(db, principal.id) : undefined;
      return {
        user: row ? toUserView(await withRegions(db, row)) : null,
        principal: principal
          ? {
              kind: principal.kind,
              name: principal.name,
              role: principal.role,
              regions: [...principal.regions],
            }
          : null,
        csrf_token: session?.csrfToken ?? null,
        expires_at: session?.expiresAt ?? null,
        via: request.authVia === 'session' || request.authVia === 'token' ? request.authVia : null,
        public_access: publicAccess,
        demo_account: ctx.config.demo ? { ...DEMO_ACCOUNT } : null,
      };
    },
  );
};
