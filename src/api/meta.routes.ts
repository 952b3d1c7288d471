import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { RoutePlugin } from './server.ts';

/** What the dashboard needs to know about this installation (demo banner, footer). */
export const instanceSchema = z.object({
  demo: z.boolean(),
  version: z.string(),
  database: z.enum(['sqlite', 'postgres']),
});

const packageVersion = (() => {
  const parsed: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return parsed !== null &&
    typeof parsed === 'object' &&
    'version' in parsed &&
    typeof parsed.version === 'string'
    ? parsed.version
    : '0.0.0';
})();

export const metaRoutes: RoutePlugin = async (app, ctx) => {
  app.get(
    '/api/meta/instance',
    {
      schema: {
        tags: ['system'],
        summary: 'This installation: demo mode, version, database kind',
        response: { 200: instanceSchema },
      },
    },
    async () => ({ demo: ctx.config.demo, version: packageVersion, database: ctx.store.dialect }),
  );
};
