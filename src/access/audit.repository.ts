import type { Insertable, Kysely, Selectable, SelectQueryBuilder, Transaction } from 'kysely';
import { chunkForInsert } from '../store/dialect.ts';
import type { AuditLogTable, DB } from '../store/schema.ts';
import type { ChangeContext } from './principal.ts';
import { SYSTEM_PRINCIPAL } from './principal.ts';

/**
 * The audit log: one row per change (who, when, what, the entity, its region, before and after as JSON).
 * Written in the transaction of the change it records; the table is append-only (database triggers).
 */

type Db = Kysely<DB> | Transaction<DB>;

export type AuditRow = Selectable<AuditLogTable>;

/** One change to record. `before`/`after` are plain JSON-able values (for updates: the changed fields only). */
export interface AuditEntry {
  action: string;
  entity_type: string;
  entity_id: string | number | null;
  region_code?: string | null;
  before?: unknown;
  after?: unknown;
}

function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** Records changes made by `change` (the system when absent), all with the same instant. */
export async function recordChanges(
  db: Db,
  change: ChangeContext | undefined,
  entries: readonly AuditEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const principal = change?.principal ?? SYSTEM_PRINCIPAL;
  const at = new Date().toISOString();
  const rows: Insertable<AuditLogTable>[] = entries.map((e) => ({
    at,
    actor_kind: principal.kind,
    actor_id: principal.id,
    actor_name: principal.name,
    action: e.action,
    entity_type: e.entity_type,
    entity_id: e.entity_id === null ? null : String(e.entity_id),
    region_code: e.region_code ?? null,
    before: json(e.before),
    after: json(e.after),
    ip: change?.ip ?? null,
  }));
  for (const part of chunkForInsert(db, rows)) await db.insertInto('audit_log').values(part).execute();
}

export function recordChange(db: Db, change: ChangeContext | undefined, entry: AuditEntry): Promise<void> {
  return recordChanges(db, change, [entry]);
}

/**
 * The changed fields of an update: `before` and `after` hold only the keys whose values differ (compared as
 * JSON); null when nothing changed.
 */
export function diffFields<T extends object>(
  before: T,
  after: T,
  ignore: readonly string[] = ['updated_at', 'search_text'],
): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (ignore.includes(key)) continue;
    const x = (before as Record<string, unknown>)[key] ?? null;
    const y = (after as Record<string, unknown>)[key] ?? null;
    if (JSON.stringify(x) !== JSON.stringify(y)) {
      b[key] = x;
      a[key] = y;
    }
  }
  return Object.keys(a).length === 0 ? null : { before: b, after: a };
}

/** Drops internal columns from a stored row before it goes into the log. */
export function auditable<T extends object>(row: T): Record<string, unknown> {
  const { search_text: _s, ...rest } = row as T & { search_text?: unknown };
  return rest;
}

export interface AuditFilter {
  /** `channel` or `channel:12`. */
  entity?: string;
  actor?: string;
  action?: string;
  region?: string;
  /** ISO instants or days; `to` as a day includes that whole day (UTC). */
  from?: string;
  to?: string;
}

function applyFilter<O>(
  query: SelectQueryBuilder<DB, 'audit_log', O>,
  filter: AuditFilter,
): SelectQueryBuilder<DB, 'audit_log', O> {
  let q = query;
  if (filter.entity) {
    const [type, id] = filter.entity.split(':', 2);
    q = q.where('entity_type', '=', type!);
    if (id !== undefined && id !== '') q = q.where('entity_id', '=', id);
  }
  if (filter.actor) q = q.where('actor_name', '=', filter.actor);
  if (filter.action) {
    q = filter.action.endsWith('.')
      ? q.where('action', 'like', `${filter.action.replace(/[%_\\]/g, '')}%`)
      : q.where('action', '=', filter.action);
  }
  if (filter.region) q = q.where('region_code', '=', filter.region);
  if (filter.from) q = q.where('at', '>=', filter.from);
  if (filter.to) {
    const to = /^\d{4}-\d{2}-\d{2}$/.test(filter.to) ? `${filter.to}T23:59:59.999Z` : filter.to;
    q = q.where('at', '<=', to);
  }
  return q;
}

export async function queryAudit(
  db: Db,
  filter: AuditFilter,
  limit: number,
  offset: number,
): Promise<AuditRow[]> {
  return applyFilter(db.selectFrom('audit_log').selectAll(), filter)
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countAudit(db: Db, filter: AuditFilter): Promise<number> {
  const row = await applyFilter(
    db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')),
    filter,
  ).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every matching row, oldest first, in pages (exports). */
export async function* streamAudit(db: Db, filter: AuditFilter, pageSize = 2000): AsyncGenerator<AuditRow[]> {
  let after = 0;
  for (;;) {
    const rows = await applyFilter(db.selectFrom('audit_log').selectAll(), filter)
      .where('id', '>', after)
      .orderBy('id', 'asc')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.id;
    if (rows.length < pageSize) return;
  }
}
