import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { errorCode } from './dialect.ts';
import { MIGRATIONS } from './migrator.ts';

/**
 * Backups of a SQLite database (PostgreSQL has pg_dump/pg_restore). `backupSqlite` uses SQLite's online
 * backup, so it is consistent while the server writes. `restoreSqlite` checks that the file is an Ohvat
 * database (integrity check, migrations table, no migration newer than this version), refuses while another
 * process has the database open (unless forced), keeps the current database as `<db>.bak` (itself an online
 * backup) and moves the restored copy into place with a rename.
 */

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** The file of a `sqlite:PATH` database URL; undefined for PostgreSQL and in-memory databases. */
export function sqlitePathOf(databaseUrl: string): string | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return undefined;
  return resolve(databaseUrl.slice('sqlite:'.length));
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface VerifiedBackup {
  migrations: string[];
  channels: number;
  bytes: number;
}

/** Checks that `file` is a sound Ohvat database this version can use; throws BackupError saying why not. */
export function verifyOhvatDatabase(file: string): VerifiedBackup {
  if (!existsSync(file)) throw new BackupError(`${file}: нет такого файла / no such file`);
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`${file}: не база SQLite / not a SQLite database (${(error as Error).message})`);
  }
  try {
    let check: unknown;
    try {
      check = db.pragma('integrity_check', { simple: true });
    } catch (error) {
      throw new BackupError(`${file}: не база SQLite / not a SQLite database (${(error as Error).message})`);
    }
    if (check !== 'ok')
      throw new BackupError(
        `${file}: проверка целостности не пройдена / integrity check failed: ${String(check)}`,
      );
    const table = db
      .prepare("select name from sqlite_master where type = 'table' and name = 'kysely_migration'")
      .get();
    if (!table)
      throw new BackupError(`${file}: нет таблицы миграций — это не база Охвата / not an Ohvat database`);
    const migrations = (
      db.prepare('select name from kysely_migration order by name').all() as { name: string }[]
    ).map((r) => r.name);
    if (!migrations.includes('2026-11-28T1500_initial')) {
      throw new BackupError(`${file}: нет начальной миграции — это не база Охвата / not an Ohvat database`);
    }
    const unknown = migrations.filter((m) => !(m in MIGRATIONS));
    if (unknown.length > 0) {
      throw new BackupError(
        `${file}: копия от более новой версии Охвата (миграции ${unknown.join(', ')}) / the backup is from a newer version`,
      );
    }
    const channels = Number((db.prepare('select count(*) as n from channels').get() as { n: number }).n);
    return { migrations, channels, bytes: statSync(file).size };
  } finally {
    db.close();
  }
}

/** Online backup of the open database into `file` (written beside it, then renamed), verified. */
export async function backupSqlite(sqlite: SQLite.Database, file: string): Promise<VerifiedBackup> {
  const target = resolve(file);
  if (resolve(sqlite.name) === target)
    throw new BackupError('Копия не может заменить саму базу / the backup cannot overwrite the database');
  const temp = `${target}.tmp-${process.pid}`;
  try {
    await sqlite.backup(temp);
    fsyncFile(temp);
    const verified = verifyOhvatDatabase(temp);
    renameSync(temp, target);
    return verified;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Whether another connection (a running server, worker, CLI) has the database open. */
export function databaseInUse(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = new SQLite(path, { timeout: 200 });
  try {
    // Leaving WAL mode needs the database to itself: refused (SQLITE_BUSY) while anyone else has it open.
    const mode = db.pragma('journal_mode', { simple: true });
    if (mode !== 'wal') return false;
    try {
      db.pragma('journal_mode = DELETE');
    } catch (error) {
      if (errorCode(error)?.startsWith('SQLITE_BUSY')) return true;
      throw error;
    }
    db.pragma('journal_mode = WAL');
    return false;
  } finally {
    db.close();
  }
}

export interface RestoreResult {
  restored: VerifiedBackup;
  /** Where the previous database was kept (null when there was none). */
  previous: string | null;
}

/**
 * Replaces the database at `path` with the backup `file`. Refuses while the database is in use unless
 * `force`; the previous database is kept as `<path>.bak`.
 */
export async function restoreSqlite(
  path: string,
  file: string,
  options: { force?: boolean } = {},
): Promise<RestoreResult> {
  const source = resolve(file);
  const target = resolve(path);
  if (source === target)
    throw new BackupError('Файл копии — это сама база / the backup file is the database itself');
  const restored = verifyOhvatDatabase(source);
  if (!options.force && databaseInUse(target)) {
    throw new BackupError(
      `База ${target} открыта другим процессом (сервер, воркер?) — остановите его или используйте --force / ` +
        'the database is open in another process: stop it first, or use --force',
    );
  }
  const temp = `${target}.restore-${process.pid}`;
  let previous: string | null = null;
  try {
    copyFileSync(source, temp);
    fsyncFile(temp);
    if (existsSync(target)) {
      previous = `${target}.bak`;
      const current = new SQLite(target, { timeout: 5000 });
      try {
        await current.backup(`${previous}.tmp`);
      } finally {
        current.close();
      }
      renameSync(`${previous}.tmp`, previous);
    }
    renameSync(temp, target);
    // The old database's WAL and shared memory must not be applied to the restored file.
    rmSync(`${target}-wal`, { force: true });
    rmSync(`${target}-shm`, { force: true });
  } finally {
    rmSync(temp, { force: true });
    if (previous) rmSync(`${previous}.tmp`, { force: true });
  }
  return { restored, previous };
}
