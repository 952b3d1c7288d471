import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { z } from 'zod';
import type { RoutePlugin } from '../api/server.ts';
import { WEB_DIST } from './assets.ts';

/**
 * Serves the dashboard built into `dist/web`: hashed files under `/assets/` with a one-year immutable
 * cache (pre-compressed `.br`/`.gz` siblings when the client accepts them), every other GET outside
 * `/api` answered with `index.html` (no-cache) so deep links like `/regions/RU-BA?lang=en` work on reload.
 */

/** The page's own scripts and styles only; inline style attributes are used by ECharts tooltips. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT_PAGE = `<!doctype html><html lang="ru"><meta charset="utf-8"><title>Охват</title>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>Панель не собрана</h1><p>Соберите её командой <code>npm run build:web</code> или перезапустите
<code>ohvat serve</code>. API работает: <a href="/api/docs">/api/docs</a>.</p>
<p lang="en">The dashboard is not built: run <code>npm run build:web</code>. The API is available at
<a href="/api/docs">/api/docs</a>.</p></body></html>`;

function isApiPath(path: string): boolean {
  return path === 'api' || path.startsWith('api/');
}

/** A last segment with a dot names a file (`app-3f2a.js`, `favicon.svg`); SPA routes never have one. */
function looksLikeFile(path: string): boolean {
  const last = path.split('/').pop() ?? '';
  return last.includes('.');
}

/** The dashboard served from `root` (a built `dist/web`); tests pass their own directory. */
export function createWebRoutes(root: string): RoutePlugin {
  const index = join(root, 'index.html');
  return async (app) => {
    await app.register(fastifyStatic, {
      root,
      serve: false,
      preCompressed: true,
      suppressWarning: true,
      index: false,
    });

    app.get(
      '/*',
      { schema: { hide: true, params: z.object({ '*': z.string() }) } },
      async (request, reply) => {
        const path = request.params['*'];
        if (isApiPath(path)) return reply.callNotFound();
        reply.header('x-content-type-options', 'nosniff');
        if (!existsSync(index)) {
          return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
        }
        if (looksLikeFile(path) && path !== 'index.html') {
          if (path.startsWith('assets/')) {
            return reply.sendFile(path, { maxAge: '365d', immutable: true });
          }
          return reply.sendFile(path, { maxAge: '1h' });
        }
        reply
          .header('cache-control', 'no-cache')
          .header('content-security-policy', CONTENT_SECURITY_POLICY)
          .header('referrer-policy', 'same-origin');
        return reply.sendFile('index.html', { cacheControl: false });
      },
    );
  };
}

export const webRoutes: RoutePlugin = createWebRoutes(WEB_DIST);
