import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, SqliteDialect } from 'kysely';
import pg from 'pg';
import { errorCode } from './dialect.ts';
import { preparedStatementName } from './prepared.ts';
import type { DB } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<DB>;
  dialect: DialectName;
  /** Human-readable location without credentials, for logs and `ohvat doctor`. */
  location: string;
  /** The raw SQLite handle (online backup, pragmas); undefined on PostgreSQL. */
  sqlite?: SQLite.Database;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL only: schema to use as search_path (tests use one schema each). */
  schema?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** SQLite page cache in MiB (default 64): see `sqliteCacheMB` in config.ts. */
  sqliteCacheMB?: number;
  /**
   * PostgreSQL only: run the statements marked by store/prepared.ts as named prepared statements (default
   * true); off behind a connection pooler that cannot keep them (PgBouncer before 1.21 in transaction mode).
   */
  preparedStatements?: boolean;
}

export const DEFAULT_SQLITE_CACHE_MB = 64;

/** Strips the password from a connection URL so it can be logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  }
}

const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const PG_DATE = 1082;

/** The PostgreSQL half of the dialect seam: values come back in the same JS types as from SQLite. */
function pgTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === PG_INT8) return (v) => Number(v);
  if (oid === PG_NUMERIC) return (v) => Number(v);
  if (oid === PG_DATE) return (v) => v;
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

export function openStore(databaseUrl: string, options: OpenStoreOptions = {}): Store {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: options.poolSize ?? 10,
      types: { getTypeParser: pgTypeParser as typeof pg.types.getTypeParser },
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // JIT compilation off for our sessions: our statements read aggregates and index ranges, yet the planner's
    // estimates for the per-channel subqueries of a region page cross jit_above_cost, and compiling took 110 ms
    // of a 450 ms page (EXPLAIN ANALYZE, 250,000 channels). A SET on connect, not a startup option, which
    // connection poolers such as PgBouncer refuse; a server without JIT (before PostgreSQL 11) ignores it.
    pool.on('connect', (client) => {
      client.query('set jit = off').catch(() => undefined);
    });
    const db = new Kysely<DB>({
      dialect: new PostgresDialect({
        pool: options.preparedStatements === false ? pool : withPreparedStatements(pool),
      }),
    });
    return {
      db,
      dialect: 'postgres',
      location: redactUrl(databaseUrl) + (options.schema ? ` (schema ${options.schema})` : ''),
      close: () => db.destroy(),
    };
  }
  const path = databaseUrl === ':memory:' ? ':memory:' : databaseUrl.replace(/^sqlite:/, '');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  // WAL: readers never block the writer; synchronous=NORMAL in WAL mode loses no committed transaction when
  // the process crashes or is killed (only an OS crash or power loss can drop the last commits).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 10000');
  // Negative: KiB. Taken only as pages are read; the default 2 MiB re-reads most pages of a region page.
  sqlite.pragma(`cache_size = ${-1024 * Math.trunc(options.sqliteCacheMB ?? DEFAULT_SQLITE_CACHE_MB)}`);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const close = async () => {
    await db.destroy();
    // Kysely closes the handle only if it ever ran a query; a store opened for a backup may not have.
    if (sqlite.open) sqlite.close();
  };
  return { db, dialect: 'sqlite', location: path, sqlite, close };
}

/**
 * The PostgreSQL pool as Kysely sees it: a statement marked by store/prepared.ts goes under its name (the
 * connection parses it once), every other one as plain text. When a prepared statement's tables changed shape
 * since (a migration run by another process: PostgreSQL refuses with "cached plan must not change result
 * type"), the statement is answered as plain text and the connection replaced when it is released.
 */
function withPreparedStatements(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let stale = false;
      // Kysely passes a text with its parameters, or a cursor (streams) that goes through as it is.
      const query = (text: string | pg.Submittable, values?: readonly unknown[]): unknown => {
        if (typeof text !== 'string') return client.query(text);
        const name = preparedStatementName(text);
        const params = values ? [...values] : [];
        if (!name) return client.query(text, params);
        return client.query({ name, text, values: params }).catch((error: unknown) => {
          if (!isStalePlan(error)) throw error;
          stale = true;
          return client.query(text, params);
        });
      };
      return {
        query: query as unknown as PostgresPoolClient['query'],
        release: (destroy) => client.release(destroy || stale),
      };
    },
    end: () => pool.end(),
  };
}

/** PostgreSQL's refusal to run a prepared statement whose result columns changed (feature_not_supported). */
function isStalePlan(error: unknown): boolean {
  return (
    errorCode(error) === '0A000' &&
    error instanceof Error &&
    error.message.includes('cached plan must not change result type')
  );
}

/**
 * The SQLite handle as Kysely sees it, with prepared statements kept: Kysely prepares every query anew, and
 * for the few statements run thousands of times (the collector's and importer's writes, compiled once by
 * store/bulk-insert.ts) preparing costs as much as running. Least recently used statements are dropped.
 */
function withStatementCache(sqlite: SQLite.Database, size = 200) {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string): SQLite.Statement {
      let statement = statements.get(text);
      if (statement) statements.delete(text);
      else statement = sqlite.prepare(text);
      statements.set(text, statement);
      if (statements.size > size) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}
