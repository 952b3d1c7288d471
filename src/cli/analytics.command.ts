import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import { recordChange } from '../access/audit.repository.ts';
import { IMPORT_AUDIT_FIELDS, pick } from '../access/permissions.ts';
import { cliChange } from '../access/principal.ts';
import { detectAnomalyFlags } from '../analytics/anomaly-flag.service.ts';
import { formatDay } from '../analytics/format.ts';
import { importObservationsFile } from '../analytics/observation-import.service.ts';
import type { Config } from '../config/config.ts';
import { formatReport, type Lang } from '../register/import/import.issues.ts';
import { createAppContext } from '../shared/app-context.ts';
import { ValidationError } from '../shared/errors.ts';

/**
 * `ohvat import observations FILE` (audience figures from CSV/XLSX; exit 1 and nothing written when a row
 * is rejected) and `ohvat flags detect` (run the anomaly rules over the recent daily series). Both record
 * their change in the audit log as the CLI (`cli:<os user>`), with the entries the API routes write:
 * `import.observations` for an import that wrote (not a dry run, not a rejected file), `flag.detect` for
 * every detection run.
 */
export function registerAnalyticsCommands(program: Command, config: () => Config): void {
  const importCommand =
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('Загрузить данные из CSV/XLSX / import data from CSV/XLSX');
  importCommand
    .command('observations <file>')
    .description(
      'Наблюдения аудитории: Канал, Дата, [Время], Подписчики, [Просмотры] / audience figures: channel, date, [time], subscribers, [views]',
    )
    .option('--dry-run', 'только проверить, ничего не записывать / validate only, write nothing')
    .option('--sheet <name>', 'лист XLSX / XLSX sheet')
    .addOption(
      new Option('--lang <lang>', 'язык отчёта / report language').choices(['ru', 'en']).default('ru'),
    )
    .action(async (file: string, opts: { dryRun?: boolean; sheet?: string; lang: Lang }) => {
      const buffer = await readFile(file);
      const ctx = await createAppContext(config());
      try {
        const result = await importObservationsFile(ctx.store.db, buffer, basename(file), {
          dryRun: opts.dryRun ?? false,
          ...(opts.sheet ? { sheet: opts.sheet } : {}),
        });
        if (result.written) {
          await recordChange(ctx.store.db, cliChange(), {
            action: 'import.observations',
            entity_type: 'import',
            entity_id: null,
            after: pick(result, IMPORT_AUDIT_FIELDS),
          });
        }
        console.log(formatReport(result, opts.lang));
        if (result.from) {
          console.log(
            opts.lang === 'ru'
              ? `Даты: ${result.from} — ${result.to}; регионы: ${result.regions.join(', ') || '—'}; источник ${result.source}`
              : `Days: ${result.from} — ${result.to}; regions: ${result.regions.join(', ') || '—'}; source ${result.source}`,
          );
        }
        if (result.summary.rejected > 0) process.exitCode = 1;
      } finally {
        await ctx.close();
      }
    });

  program
    .command('flags')
    .description('Пометки об аномалиях / anomaly flags')
    .command('detect')
    .description('Найти аномалии за последние дни и сохранить новые пометки / run the anomaly rules')
    .option('--date <YYYY-MM-DD>', 'последний день (по умолчанию — последний с данными) / last day')
    .option('--days <n>', 'за сколько дней / how many days back', '7')
    .option('--region <code>', 'только регион / one region only')
    .action(async (opts: { date?: string; days: string; region?: string }) => {
      const days = Number(opts.days);
      if (!Number.isInteger(days) || days < 1 || days > 90) throw new ValidationError('--days: 1…90');
      const ctx = await createAppContext(config());
      try {
        const region = opts.region?.toUpperCase();
        const r = await detectAnomalyFlags(ctx.store.db, {
          days,
          ...(opts.date ? { asOf: opts.date } : {}),
          ...(region ? { region } : {}),
        });
        await recordChange(ctx.store.db, cliChange(), {
          action: 'flag.detect',
          entity_type: 'flag',
          entity_id: null,
          region_code: region ?? null,
          after: r,
        });
        console.log(
          `${formatDay(r.from, 'ru')} — ${formatDay(r.asOf, 'ru')}: каналов ${r.channels}, найдено ${r.found}, новых пометок ${r.inserted} / ${r.from} — ${r.asOf}: channels ${r.channels}, found ${r.found}, new flags ${r.inserted}`,
        );
      } finally {
        await ctx.close();
      }
    });
}
