import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { UnsupportedMediaError } from '../shared/errors.ts';

/** Schema pieces every resource route shares: the error body, id params, JSON-only bodies. */

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('validation_failed, not_found, conflict, unsupported_media_type, …'),
      message: z.string(),
      details: z.unknown().optional().describe('For validation_failed: [{path, message}] for each field'),
    }),
  })
  .describe('Error');

export const idParamsSchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

/** A query flag: `true`/`1` or `false`/`0`. */
export const flagParam = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .default(false);

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}

/** onRequest hook of routes that take a JSON body: any other content type is 415 before it is parsed. */
export async function requireJsonBody(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!hasBody(request)) return;
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type)) return;
  throw new UnsupportedMediaError(`Expected Content-Type application/json, got ${type || 'none'}`, {
    content_type: type || null,
  });
}
