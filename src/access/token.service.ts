import type { Kysely } from 'kysely';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import { nowIso } from '../store/dialect.ts';
import type { DB } from '../store/schema.ts';
import type { ApiTokenCreateInput, ApiTokenView } from './access.schema.ts';
import { recordChange } from './audit.repository.ts';
import { type ChangeContext, isRole, type Principal } from './principal.ts';
import { randomSecret, sha256Hex } from './secrets.ts';
import {
  type ApiTokenRow,
  findApiToken,
  findApiTokenByHash,
  insertApiToken,
  listApiTokenRows,
  markApiTokenRevoked,
  markApiTokenUsed,
} from './token.repository.ts';
import { unknownRegions } from './user.repository.ts';

/**
 * API tokens for scripts and integrations: `ohv_` + 32 random bytes (base64url). The token is shown once at
 * creation; only its SHA-256 is stored. A token carries a role and (for operators) regions; it is checked
 * against the database on every request, so a revoked token is refused from the next request on.
 * last_used_at is written at most once a minute.
 */

export const TOKEN_PREFIX = 'ohv_';
const TOKEN_FORMAT = /^ohv_[A-Za-z0-9_-]{43}$/;
const USED_EVERY_MS = 60_000;

function regionsOf(row: ApiTokenRow): string[] {
  try {
    const parsed: unknown = JSON.parse(row.regions);
    return Array.isArray(parsed) ? parsed.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

export function toApiTokenView(row: ApiTokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    role: isRole(row.role) ? row.role : 'analyst',
    regions: regionsOf(row),
    created_by: row.created_by,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
    revoked_at: row.revoked_at,
  };
}

export function looksLikeApiToken(value: string): boolean {
  return TOKEN_FORMAT.test(value);
}

export async function createApiToken(
  db: Kysely<DB>,
  input: ApiTokenCreateInput,
  change: ChangeContext | undefined,
): Promise<ApiTokenView & { token: string }> {
  const regions = [...new Set(input.regions)].sort();
  if (input.role === 'operator' && regions.length === 0) {
    throw new ValidationError('Токену оператора нужен регион / an operator token needs at least one region');
  }
  if (input.role !== 'operator' && regions.length > 0) {
    throw new ValidationError(
      'Регионы задаются только токенам операторов / only operator tokens have regions',
    );
  }
  const unknown = await unknownRegions(db, regions);
  if (unknown.length > 0)
    throw new ValidationError(`Неизвестные регионы / unknown regions: ${unknown.join(', ')}`);
  const token = `${TOKEN_PREFIX}${randomSecret(32)}`;
  return db.transaction().execute(async (tx) => {
    const row = await insertApiToken(tx, {
      name: input.name,
      token_hash: sha256Hex(token),
      role: input.role,
      regions: JSON.stringify(regions),
      created_by: change?.principal.kind === 'user' ? change.principal.id : null,
      created_at: nowIso(),
    });
    const view = toApiTokenView(row);
    await recordChange(tx, change, {
      action: 'token.create',
      entity_type: 'token',
      entity_id: row.id,
      after: view,
    });
    return { ...view, token };
  });
}

export async function listApiTokens(db: Kysely<DB>): Promise<ApiTokenView[]> {
  return (await listApiTokenRows(db)).map(toApiTokenView);
}

export async function revokeApiToken(
  db: Kysely<DB>,
  id: number,
  change: ChangeContext | undefined,
): Promise<ApiTokenView> {
  return db.transaction().execute(async (tx) => {
    const row = await findApiToken(tx, id);
    if (!row) throw new NotFoundError(`Токен ${id} не найден / token ${id} not found`, { id });
    if (row.revoked_at === null) {
      const at = nowIso();
      await markApiTokenRevoked(tx, id, at);
      await recordChange(tx, change, {
        action: 'token.revoke',
        entity_type: 'token',
        entity_id: id,
        before: { revoked_at: null },
        after: { revoked_at: at },
      });
    }
    return toApiTokenView((await findApiToken(tx, id))!);
  });
}

/** The principal of a presented token, or null when it is malformed, unknown or revoked. */
export async function resolveApiToken(
  db: Kysely<DB>,
  token: string,
  now = Date.now(),
): Promise<Principal | null> {
  if (!looksLikeApiToken(token)) return null;
  const row = await findApiTokenByHash(db, sha256Hex(token));
  if (!row || row.revoked_at !== null || !isRole(row.role)) return null;
  if (row.last_used_at === null || now - Date.parse(row.last_used_at) >= USED_EVERY_MS) {
    await markApiTokenUsed(db, row.id, new Date(now).toISOString());
  }
  return {
    kind: 'token',
    id: row.id,
    name: `token:${row.name}`,
    role: row.role,
    regions: row.role === 'operator' ? regionsOf(row) : [],
  };
}
