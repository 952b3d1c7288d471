import {
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
  type Kysely,
  PostgresAdapter,
  sql,
  type Transaction,
} from 'kysely';
import type { DialectName } from './database.ts';
import type { DB } from './schema.ts';

/**
 * The dialect seam: the few places where SQLite and PostgreSQL differ. Everything else — queries,
 * upserts (`onConflict`), transactions — is written once with Kysely and runs on both.
 */

/** Any database handle: the typed one, a transaction, or the untyped one migrations get. */
type AnyDb = Kysely<unknown> | Kysely<DB> | Transaction<DB>;

export function dialectOf(db: AnyDb): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** An auto-incrementing integer primary key. */
export function withIdColumn<T extends string, C extends string>(
  db: AnyDb,
  table: CreateTableBuilder<T, C>,
  name: C | string = 'id',
): CreateTableBuilder<T, C> {
  if (dialectOf(db) === 'postgres') {
    return table.addColumn(name, 'integer', (c: ColumnDefinitionBuilder) =>
      c.primaryKey().generatedByDefaultAsIdentity(),
    ) as CreateTableBuilder<T, C>;
  }
  return table.addColumn(name, 'integer', (c: ColumnDefinitionBuilder) =>
    c.primaryKey().autoIncrement(),
  ) as CreateTableBuilder<T, C>;
}

/** Most bind parameters one statement may carry (SQLite ≥ 3.32: 32766; PostgreSQL: 65535). */
export function maxBindParameters(db: AnyDb): number {
  return dialectOf(db) === 'postgres' ? 65_000 : 32_000;
}

/** Splits rows so that each multi-row INSERT stays under the dialect's bind-parameter limit. */
export function chunkForInsert<T extends object>(db: AnyDb, rows: T[]): T[][] {
  if (rows.length === 0) return [];
  const columns = Math.max(1, Object.keys(rows[0]!).length);
  const size = Math.max(1, Math.floor(maxBindParameters(db) / columns));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/** Current time as ISO-8601 UTC text (the register's timestamp format). */
export function nowIso(): string {
  return new Date().toISOString();
}

/** Runs `ANALYZE` so that the planners see fresh statistics after bulk loads. */
export async function analyze(db: AnyDb): Promise<void> {
  await sql`analyze`.execute(db);
}

/**
 * Compacts the counter tables that database triggers rewrite at every change of a channel (`region_channels`,
 * `region_activity`: a few hundred rows) after a bulk change. On PostgreSQL every trigger update leaves a dead
 * row version, and none can be pruned inside the transaction that made them: loading 25,000 channels left
 * 519 pages for 712 rows (about 5,000 at 250,000), and every rating scans them all. VACUUM FULL rewrites the two tables
 * (milliseconds) under an exclusive lock it waits for at most 2 s — if it cannot have it, autovacuum is left
 * to do what it can and false is returned. SQLite updates rows in place: nothing to do.
 */
export async function compactCounters(db: Kysely<DB>): Promise<boolean> {
  if (dialectOf(db) !== 'postgres') return true;
  return db.connection().execute(async (conn) => {
    await sql`set lock_timeout = '2s'`.execute(conn);
    try {
      await sql`vacuum (full, analyze) region_channels, region_activity`.execute(conn);
      return true;
    } catch (error) {
      if (errorCode(error) === LOCK_NOT_AVAILABLE) return false;
      throw error;
    } finally {
      await sql`reset lock_timeout`.execute(conn);
    }
  });
}

/** PostgreSQL: lock_timeout expired. */
const LOCK_NOT_AVAILABLE = '55P03';

/** The `code` of a driver error (SQLite's `SQLITE_…`, PostgreSQL's SQLSTATE), undefined when it has none. */
export function errorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object' || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** A unique-constraint violation (SQLite `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`, PostgreSQL 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const code = errorCode(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Makes a table append-only at the database level: UPDATE and DELETE are refused by a trigger, whatever code
 * runs against it (published ratings must never change).
 */
export async function makeAppendOnly(db: AnyDb, table: string): Promise<void> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`bad table name ${table}`);
  if (dialectOf(db) === 'postgres') {
    await sql
      .raw(
        `create or replace function ${table}_append_only() returns trigger language plpgsql as $$
         begin raise exception '${table} is append-only'; end $$`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${table}_append_only before update or delete on ${table}
         for each row execute function ${table}_append_only()`,
      )
      .execute(db);
    return;
  }
  for (const op of ['update', 'delete']) {
    await sql
      .raw(
        `create trigger ${table}_no_${op} before ${op} on ${table}
         begin select raise(abort, '${table} is append-only'); end`,
      )
      .execute(db);
  }
}

/** SQL for the epoch milliseconds of midnight UTC of a `date` column or expression. */
export function dayEpochMsSql(db: AnyDb, day: string): string {
  return dialectOf(db) === 'postgres'
    ? `(extract(epoch from ${day})::bigint * 1000)`
    : `(cast(strftime('%s', ${day}) as integer) * 1000)`;
}

/** SQL for "a differs from b" with NULLs compared as values. */
export function differsSql(db: AnyDb, a: string, b: string): string {
  return dialectOf(db) === 'postgres' ? `${a} is distinct from ${b}` : `${a} is not ${b}`;
}

export interface RowTrigger {
  name: string;
  /** e.g. 'after insert', 'before delete', 'after update' */
  timing: string;
  table: string;
  /** Condition on old/new. */
  when: string;
  /** Statements, each ending with a semicolon, referring to the row as old/new. */
  body: string;
}

/** Creates a row trigger: a plpgsql function and trigger on PostgreSQL, a trigger on SQLite. */
export async function createRowTrigger(db: AnyDb, t: RowTrigger): Promise<void> {
  if (!/^[a-z_]+$/.test(t.name) || !/^[a-z_]+$/.test(t.table)) throw new Error(`bad trigger ${t.name}`);
  if (dialectOf(db) === 'postgres') {
    const result = t.timing.startsWith('before') ? (t.timing.endsWith('delete') ? 'old' : 'new') : 'null';
    await sql
      .raw(
        `create or replace function ${t.name}() returns trigger language plpgsql as $$
         begin ${t.body} return ${result}; end $$`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${t.name} ${t.timing} on ${t.table} for each row when (${t.when})
         execute function ${t.name}()`,
      )
      .execute(db);
    return;
  }
  await sql
    .raw(`create trigger ${t.name} ${t.timing} on ${t.table} when ${t.when} begin ${t.body} end`)
    .execute(db);
}

export async function dropRowTrigger(db: AnyDb, t: RowTrigger): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql.raw(`drop trigger if exists ${t.name} on ${t.table}`).execute(db);
    await sql.raw(`drop function if exists ${t.name}()`).execute(db);
  } else await sql.raw(`drop trigger if exists ${t.name}`).execute(db);
}
