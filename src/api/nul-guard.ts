import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../shared/errors.ts';

/**
 * Refuses text carrying a NUL character (U+0000) anywhere in a request's path parameters, query or JSON
 * body. PostgreSQL cannot store or even compare such text (`invalid byte sequence for encoding "UTF8": 0x00`),
 * so without this guard the same request answered 400 on SQLite and 500 on PostgreSQL. Uploaded files are
 * raw buffers and are checked by their own parsers.
 */
export function findNulText(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth > 32 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNulText(value[i], `${path}/${i}`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return `${path}/${key.replaceAll('\u0000', '\\u0000')}`;
    const found = findNulText(item, `${path}/${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route accepts NUL characters (it stores no text from the request as is, e.g. MAX deliveries). */
    acceptsNul?: boolean;
  }
}

export function installNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config.acceptsNul) return;
    const parts: Array<[string, unknown]> = [
      ['params', request.params],
      ['querystring', request.query],
      ['body', request.body],
    ];
    for (const [name, value] of parts) {
      const path = findNulText(value, name);
      if (path) {
        throw new ValidationError('Text must not contain the NUL character (U+0000)', [
          { path, message: 'NUL character (U+0000) is not allowed / символ NUL (U+0000) недопустим' },
        ]);
      }
    }
  });
}
