import type { FastifyRequest } from 'fastify';

/**
 * Who makes a change (publishes a rating, reviews a flag, imports observations): the name of the principal
 * that access control attaches to the request as `request.principal`; null for
 * anonymous requests and before access control is in place. The one place analytics routes read it.
 */
export function actorOf(request: FastifyRequest): string | null {
  const principal = (request as FastifyRequest & { principal?: { name?: unknown } | null }).principal;
  return typeof principal?.name === 'string' && principal.name !== '' ? principal.name : null;
}
