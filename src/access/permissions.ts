import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { findFlag } from '../analytics/anomaly-flag.repository.ts';
import type { DB } from '../store/schema.ts';
import type { Principal } from './principal.ts';

/**
 * The permission table: every route of the server (method + URL pattern as registered) → what it needs.
 * Enforced by one hook in `access.plugin.ts`; a route missing here is refused (403) — fail closed — and the
 * permission test fails. Region checks of register edits and imports happen in the services (they know the
 * region before and after a change); routes whose region is known from the request declare `regions` here.
 *
 * Levels:
 * - `open`      anyone, always: sign-in, health, instance info, API docs, dashboard files, the MAX webhook
 *               (it checks its own secret);
 * - `public`    anonymous visitors unless `publicAccess` is 'none': published ratings, methodologies,
 *               overview, regions;
 * - `read`      any signed-in role; anonymous visitors only when `publicAccess` is 'read';
 * - `signed_in` any signed-in principal (sign-out);
 * - `edit`      administrators and operators (operators inside their regions: checked by the services or by
 *               `regions` below);
 * - `admin`     administrators only.
 */

export type Permission = 'open' | 'public' | 'read' | 'signed_in' | 'edit' | 'admin';

export interface AuditRule {
  action: string;
  entity_type: string;
  /** The state before the change, loaded after validation and before the handler runs. */
  before?: (request: FastifyRequest, db: Kysely<DB>) => Promise<unknown>;
  /** What of the response body goes into the log as `after` (default: the body). */
  after?: (body: unknown) => unknown;
  /** Whether this answer records a change (default: every 2xx answer does). */
  when?: (body: unknown) => boolean;
}

export interface RouteRule {
  need: Permission;
  /** Regions the request touches: an operator must have every one (null = no region: admins only). */
  regions?: (request: FastifyRequest, db: Kysely<DB>) => Promise<(string | null)[]>;
  /** The request body is an uploaded file: the upload size limit applies instead of the JSON one. */
  upload?: true;
  /** Written to the audit log by the access layer after a 2xx answer (routes whose services do not). */
  audit?: AuditRule;
}

function idParam(request: FastifyRequest): number {
  const params = request.params;
  const id = params !== null && typeof params === 'object' && 'id' in params ? Number(params.id) : Number.NaN;
  return Number.isSafeInteger(id) ? id : 0;
}

export function pick(value: unknown, keys: readonly string[]): Record<string, unknown> | null {
  if (value === null || typeof value !== 'object') return null;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (key in value) out[key] = (value as Record<string, unknown>)[key];
  return out;
}

const FLAG_STATE = ['status', 'exclusion_mode', 'review_comment', 'reviewed_by', 'reviewed_at'] as const;

const flagReview = (action: string): RouteRule => ({
  need: 'edit',
  regions: async (request, db) => {
    const flag = await findFlag(db, idParam(request));
    // An unknown flag: let the handler answer 404 (admins) — operators learn nothing either way.
    return [flag ? flag.region_code : null];
  },
  audit: {
    action,
    entity_type: 'flag',
    before: async (request, db) => pick(await findFlag(db, idParam(request)), FLAG_STATE),
    after: (body) => pick(body, [...FLAG_STATE, 'channel_id', 'rule', 'day']),
  },
});

/** What an import's audit entry keeps of its result (the API's answer, or the CLI's result). */
export const IMPORT_AUDIT_FIELDS = ['file', 'source', 'summary', 'total', 'regions', 'from', 'to'] as const;

/** Imports: only real ones (not dry runs) that wrote something are changes. */
const importAudit = (action: string): AuditRule => ({
  action,
  entity_type: 'import',
  when: (body) => pick(body, ['written'])?.written === true,
  after: (body) => pick(body, IMPORT_AUDIT_FIELDS),
});

const PUBLISHED_FIELDS = ['id', 'methodology_id', 'methodology_version', 'scope', 'rating_date', 'title'];

export const ROUTE_RULES: Readonly<Record<string, RouteRule>> = {
  // System and sign-in
  'GET /healthz': { need: 'open' },
  'GET /api/meta/instance': { need: 'open' },
  'GET /api/meta/lists': { need: 'public' },
  'POST /api/auth/login': { need: 'open' },
  'GET /api/auth/me': { need: 'open' },
  'POST /api/auth/logout': { need: 'signed_in' },
  'POST /api/max/webhook': { need: 'open' },
  'GET /*': { need: 'open' },

  // Ratings, methodologies, overview, regions
  'GET /api/methodologies': { need: 'public' },
  'GET /api/methodologies/:id': { need: 'public' },
  'GET /api/ratings/published': { need: 'public' },
  'GET /api/ratings/:id': { need: 'public' },
  'GET /api/ratings/:id/export': { need: 'public' },
  'GET /api/ratings/:id/verify': { need: 'read' },
  'GET /api/ratings': { need: 'read' },
  'GET /api/ratings/export': { need: 'read' },
  'POST /api/ratings': {
    need: 'admin',
    audit: { action: 'rating.publish', entity_type: 'rating', after: (b) => pick(b, PUBLISHED_FIELDS) },
  },
  'GET /api/overview': { need: 'public' },
  'GET /api/regions': { need: 'public' },
  'GET /api/regions/:code': { need: 'public' },
  'GET /api/regions/:code/summary': { need: 'read' },
  'GET /api/forecast': { need: 'read' },

  // Anomaly flags
  'GET /api/flags': { need: 'read' },
  'POST /api/flags/detect': { need: 'admin', audit: { action: 'flag.detect', entity_type: 'flag' } },
  'POST /api/flags/:id/confirm': flagReview('flag.confirm'),
  'POST /api/flags/:id/dismiss': flagReview('flag.dismiss'),
  'POST /api/flags/:id/reopen': flagReview('flag.reopen'),

  // Register (region checks and audit in the services)
  'GET /api/channels': { need: 'read' },
  'GET /api/channels/:id': { need: 'read' },
  'GET /api/channels/:id/summary': { need: 'read' },
  'GET /api/channels/:id/series': { need: 'read' },
  'POST /api/channels': { need: 'edit' },
  'PATCH /api/channels/:id': { need: 'edit' },
  'DELETE /api/channels/:id': { need: 'edit' },
  'GET /api/organisations': { need: 'read' },
  'GET /api/organisations/:id': { need: 'read' },
  'POST /api/organisations': { need: 'edit' },
  'PATCH /api/organisations/:id': { need: 'edit' },
  'DELETE /api/organisations/:id': { need: 'edit' },
  'POST /api/import/channels': { need: 'edit', upload: true },
  'POST /api/import/population': { need: 'admin', upload: true, audit: importAudit('import.population') },
  // Operators: rows of channels outside their regions are rejected by the import (allowedRegions).
  'POST /api/import/observations': { need: 'edit', upload: true, audit: importAudit('import.observations') },
  'GET /api/import/template': { need: 'read' },
  'GET /api/export/channels': { need: 'read' },

  // Collection
  'GET /api/collection/runs': { need: 'read' },
  'GET /api/collection/runs/:id': { need: 'read' },
  'GET /api/collection/status': { need: 'read' },
  'GET /api/collection/failing': { need: 'read' },

  // Access administration
  'GET /api/users': { need: 'admin' },
  'GET /api/users/:id': { need: 'admin' },
  'POST /api/users': { need: 'admin' },
  'PATCH /api/users/:id': { need: 'admin' },
  'GET /api/tokens': { need: 'admin' },
  'POST /api/tokens': { need: 'admin' },
  'DELETE /api/tokens/:id': { need: 'admin' },
  'GET /api/audit': { need: 'admin' },
  'GET /api/export/audit': { need: 'admin' },
};

/** URL prefixes whose every GET route is open (the Swagger UI's own files). */
const OPEN_PREFIXES = ['/api/docs'];

/** The rule of a route, or undefined (refused). HEAD follows GET. */
export function ruleOf(method: string, url: string): RouteRule | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  const rule = ROUTE_RULES[`${m} ${url}`];
  if (rule) return rule;
  if (m === 'GET' && OPEN_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`))) return { need: 'open' };
  return undefined;
}

export type PublicAccess = 'ratings' | 'read' | 'none';

export function publicAccessOf(config: {
  publicAccess?: PublicAccess | undefined;
  demo: boolean;
}): PublicAccess {
  return config.publicAccess ?? (config.demo ? 'read' : 'ratings');
}

/**
 * Whether a principal (null: anonymous) passes a permission level. Region checks come after this, with the
 * regions of the request.
 */
export function allows(need: Permission, principal: Principal | null, publicAccess: PublicAccess): boolean {
  switch (need) {
    case 'open':
      return true;
    case 'public':
      return principal !== null || publicAccess !== 'none';
    case 'read':
      return principal !== null || publicAccess === 'read';
    case 'signed_in':
      return principal !== null;
    case 'edit':
      return principal !== null && (principal.role === 'admin' || principal.role === 'operator');
    case 'admin':
      return principal !== null && principal.role === 'admin';
  }
}
