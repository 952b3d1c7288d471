import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config/config.ts';
import { ValidationError } from '../shared/errors.ts';
import { BackupError, backupSqlite, restoreSqlite, sqlitePathOf } from '../store/backup.ts';
import { openStore, redactUrl } from '../store/database.ts';

/**
 * `ohvat backup FILE` — an online backup of the SQLite database (safe while the server runs); on PostgreSQL
 * it prints the pg_dump command to use and exits with 2. `ohvat restore FILE` — SQLite only: checks the
 * file, refuses while the database is open elsewhere (`--force` to override), keeps the old one as `.bak`.
 */

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function registerBackupCommands(program: Command, config: () => Config): void {
  program
    .command('backup <file>')
    .description('Резервная копия базы SQLite (можно при работающем сервере) / back up the SQLite database')
    .option('--force', 'перезаписать существующий файл / overwrite an existing file')
    .action(async (file: string, opts: { force?: boolean }) => {
      const url = config().databaseUrl;
      if (!sqlitePathOf(url)) {
        console.error(
          `База — PostgreSQL: используйте pg_dump / the database is PostgreSQL: use pg_dump, e.g.\n` +
            `  pg_dump --format=custom --file ${file} '${redactUrl(url)}'\n` +
            `Восстановление / restore: pg_restore --clean --if-exists --dbname '<url>' ${file}`,
        );
        process.exitCode = 2;
        return;
      }
      const path = sqlitePathOf(url)!;
      if (!existsSync(path)) throw new ValidationError(`Нет базы / no database at ${path}`);
      if (existsSync(file) && !opts.force) {
        throw new ValidationError(
          `${file} уже существует (--force, чтобы перезаписать) / already exists (use --force)`,
        );
      }
      const store = openStore(url);
      try {
        const result = await backupSqlite(store.sqlite!, file);
        console.log(
          `Копия готова / backup written: ${file} (${mib(result.bytes)}, каналов / channels: ${result.channels}, миграций / migrations: ${result.migrations.length})`,
        );
      } catch (error) {
        if (error instanceof BackupError) throw new ValidationError(error.message);
        throw error;
      } finally {
        await store.close();
      }
    });

  program
    .command('restore <file>')
    .description(
      'Восстановить базу SQLite из копии (старая сохраняется как .bak) / restore the SQLite database',
    )
    .option('--force', 'даже если база открыта другим процессом / even if another process has it open')
    .action(async (file: string, opts: { force?: boolean }) => {
      const url = config().databaseUrl;
      const path = sqlitePathOf(url);
      if (!path) {
        console.error(
          'База — PostgreSQL: используйте pg_restore / the database is PostgreSQL: use pg_restore, e.g.\n' +
            `  pg_restore --clean --if-exists --dbname '${redactUrl(url)}' ${file}`,
        );
        process.exitCode = 2;
        return;
      }
      try {
        const result = await restoreSqlite(path, file, { force: opts.force ?? false });
        console.log(
          `База восстановлена / database restored: ${path} (каналов / channels: ${result.restored.channels})` +
            (result.previous ? `; прежняя сохранена / previous kept as ${result.previous}` : ''),
        );
      } catch (error) {
        if (error instanceof BackupError) throw new ValidationError(error.message);
        throw error;
      }
    });
}
