import type { Command } from 'commander';
import { sql } from 'kysely';
import type { Config } from '../config/config.ts';
import { openStore } from '../store/database.ts';
import { migrateToLatest, migrationStatus } from '../store/migrator.ts';

export function registerDatabaseCommands(program: Command, config: () => Config): void {
  program
    .command('init')
    .description(
      'Создать базу, применить миграции и загрузить 89 регионов / create the database, migrate, load the 89 regions',
    )
    .action(async () => {
      const store = openStore(config().databaseUrl);
      try {
        const applied = await migrateToLatest(store.db);
        const regions = await store.db
          .selectFrom('regions')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        console.log(`База / database: ${store.dialect} ${store.location}`);
        console.log(
          `Миграции применены / migrations applied: ${applied.length ? applied.join(', ') : 'нет новых / none new'}`,
        );
        console.log(`Регионов / regions: ${Number(regions.n)}`);
      } finally {
        await store.close();
      }
    });

  program
    .command('migrate')
    .description('Применить миграции / apply pending migrations')
    .action(async () => {
      const store = openStore(config().databaseUrl);
      try {
        const applied = await migrateToLatest(store.db);
        console.log(
          applied.length
            ? `Применены / applied: ${applied.join(', ')}`
            : 'Схема актуальна / schema is up to date',
        );
      } finally {
        await store.close();
      }
    });

  program
    .command('doctor')
    .description('Проверить конфигурацию, базу и миграции / check config, database and migrations')
    .action(async () => {
      const checks: { name: string; ok: boolean; detail: string }[] = [];
      const cfg = config();
      checks.push({ name: 'config', ok: true, detail: 'valid' });
      const store = openStore(cfg.databaseUrl);
      try {
        try {
          await sql`select 1`.execute(store.db);
          checks.push({ name: 'database', ok: true, detail: `${store.dialect} ${store.location}` });
          const status = await migrationStatus(store.db);
          const pending = status.filter((m) => m.executedAt === null).map((m) => m.name);
          checks.push({
            name: 'migrations',
            ok: pending.length === 0,
            detail: pending.length
              ? `pending: ${pending.join(', ')} (run: ohvat migrate)`
              : `${status.length} applied`,
          });
        } catch (error) {
          checks.push({ name: 'database', ok: false, detail: (error as Error).message });
        }
        checks.push({
          name: 'max tokens',
          ok: true,
          detail: cfg.max.tokens.length
            ? `${cfg.max.tokens.length} configured`
            : 'none (collection uses public pages only)',
        });
        if (cfg.redisUrl) checks.push({ name: 'redis', ok: true, detail: 'configured (scaled collection)' });
      } finally {
        await store.close();
      }
      for (const c of checks) console.log(`${c.ok ? '✔' : '✘'} ${c.name}: ${c.detail}`);
      if (checks.some((c) => !c.ok)) process.exitCode = 1;
    });
}
