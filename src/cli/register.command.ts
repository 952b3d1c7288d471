import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import { type Command, Option } from 'commander';
import { recordChange } from '../access/audit.repository.ts';
import { cliChange } from '../access/principal.ts';
import type { Config } from '../config/config.ts';
import { countChannels } from '../register/channel.repository.ts';
import { channelExportStream, type ExportFormat } from '../register/import/channel-export.service.ts';
import { importChannelsFile } from '../register/import/channel-import.service.ts';
import { channelTemplate } from '../register/import/channel-template.service.ts';
import { formatReport, type Lang } from '../register/import/import.issues.ts';
import { importPopulationFile } from '../register/import/population-import.service.ts';
import { buildRegionLookup } from '../register/import/region.lookup.ts';
import { listRegions } from '../register/region.repository.ts';
import { ValidationError } from '../shared/errors.ts';
import { openStore, type Store } from '../store/database.ts';
import { migrateToLatest } from '../store/migrator.ts';
import { registerAuditExportCommand } from './access.command.ts';

/**
 * `ohvat import channels|population FILE`, `ohvat export channels FILE`, `ohvat template channels FILE`:
 * the register as files. Reports are printed in Russian or English (`--lang`); exit code 1 when rows are
 * rejected (then nothing is written).
 */

/** Files with at least this many data rows get a progress indicator on stderr. */
const PROGRESS_FROM_ROWS = 2000;

const langOption = () =>
  new Option('--lang <lang>', 'язык отчёта и заголовков / report and header language')
    .choices(['ru', 'en'])
    .default('ru');

async function withStore<T>(config: () => Config, work: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(config().databaseUrl);
  try {
    await migrateToLatest(store.db);
    return await work(store);
  } finally {
    await store.close();
  }
}

/** A cli-progress bar on a terminal; otherwise one line per ~10% (logs, CI). Silent for small files. */
export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let bar: cliProgress.SingleBar | undefined;
  let lastTenth = -1;
  let active = false;
  return {
    update(done: number, total: number) {
      if (total < PROGRESS_FROM_ROWS) return;
      if (stream.isTTY) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            { stream, format: `${label} |{bar}| {percentage}% {value}/{total}`, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done);
        }
        bar.update(done);
        return;
      }
      active = true;
      const tenth = Math.floor((done / total) * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        stream.write(`${label}: ${done}/${total} (${tenth * 10}%)\n`);
      }
    },
    stop() {
      bar?.stop();
      if (active && lastTenth < 10) stream.write(`${label}: ${lastTenth * 10}%\n`);
    },
  };
}

function formatOf(file: string, given: string | undefined): ExportFormat {
  const format = (given ?? extname(file).slice(1)).toLowerCase();
  if (format === 'xlsx' || format === 'csv') return format;
  throw new ValidationError(
    `${file}: формат не понятен — укажите --format xlsx или csv / unknown format: use --format xlsx or csv`,
  );
}

export function registerRegisterCommands(program: Command, config: () => Config): void {
  const importCommand = program
    .command('import')
    .description(
      'Загрузить реестр или численность из CSV/XLSX / import the register or population from CSV/XLSX',
    );

  importCommand
    .command('channels <file>')
    .description('Импорт каналов (CSV или XLSX) / import channels (CSV or XLSX)')
    .option('--dry-run', 'только проверить, ничего не записывать / validate only, write nothing')
    .option('--sheet <name>', 'лист XLSX (по умолчанию первый) / XLSX sheet (default: the first)')
    .addOption(langOption())
    .action(async (file: string, opts: { dryRun?: boolean; sheet?: string; lang: Lang }) => {
      const buffer = await readFile(file);
      const progress = progressReporter(opts.lang === 'ru' ? 'Импорт' : 'Import');
      const result = await withStore(config, (store) =>
        importChannelsFile(store.db, buffer, basename(file), {
          dryRun: opts.dryRun ?? false,
          ...(opts.sheet ? { sheet: opts.sheet } : {}),
          onProgress: progress.update,
          change: cliChange(),
        }),
      ).finally(() => progress.stop());
      console.log(formatReport(result, opts.lang));
      if (result.summary.rejected > 0) process.exitCode = 1;
    });

  importCommand
    .command('population <file>')
    .description(
      'Численность населения регионов: Регион, Дата, Численность, Источник / region population: region, date, population, source',
    )
    .option('--dry-run', 'только проверить, ничего не записывать / validate only, write nothing')
    .option('--sheet <name>', 'лист XLSX / XLSX sheet')
    .addOption(langOption())
    .action(async (file: string, opts: { dryRun?: boolean; sheet?: string; lang: Lang }) => {
      const buffer = await readFile(file);
      const result = await withStore(config, async (store) => {
        const imported = await importPopulationFile(store.db, buffer, basename(file), {
          dryRun: opts.dryRun ?? false,
          ...(opts.sheet ? { sheet: opts.sheet } : {}),
        });
        if (imported.written) {
          await recordChange(store.db, cliChange(), {
            action: 'import.population',
            entity_type: 'import',
            entity_id: null,
            after: { file: imported.file, summary: imported.summary, total: imported.total },
          });
        }
        return imported;
      });
      console.log(formatReport(result, opts.lang));
      if (result.summary.rejected > 0) process.exitCode = 1;
    });

  const exportCommand = program.command('export').description('Выгрузить реестр / export the register');
  registerAuditExportCommand(exportCommand, config);
  exportCommand
    .command('channels <file>')
    .description('Реестр каналов в XLSX или CSV / the channel register as XLSX or CSV')
    .addOption(
      new Option(
        '--format <format>',
        'xlsx | csv (по умолчанию по расширению / default: from the extension)',
      ).choices(['xlsx', 'csv']),
    )
    .option('--region <codes>', 'только эти регионы, через запятую / only these regions, comma-separated')
    .addOption(langOption())
    .addOption(
      new Option('--delimiter <char>', 'CSV: разделитель / separator').choices([';', ',']).default(';'),
    )
    .addOption(
      new Option('--encoding <name>', 'CSV: кодировка / encoding')
        .choices(['utf-8', 'windows-1251'])
        .default('utf-8'),
    )
    .action(
      async (
        file: string,
        opts: {
          format?: string;
          region?: string;
          lang: Lang;
          delimiter: ';' | ',';
          encoding: 'utf-8' | 'windows-1251';
        },
      ) => {
        const format = formatOf(file, opts.format);
        const count = await withStore(config, async (store) => {
          let region: string[] | undefined;
          if (opts.region) {
            const lookup = buildRegionLookup(await listRegions(store.db));
            region = opts.region.split(',').map((value) => {
              const code = lookup.resolve(value);
              if (!code) throw new ValidationError(`Неизвестный регион / unknown region: ${value}`);
              return code;
            });
          }
          const filter = region ? { region } : {};
          const stream = channelExportStream(store.db, {
            format,
            lang: opts.lang,
            filter,
            delimiter: opts.delimiter,
            encoding: opts.encoding,
          });
          await pipeline(stream, createWriteStream(file));
          return countChannels(store.db, filter);
        });
        console.log(
          opts.lang === 'ru'
            ? `Выгружено каналов: ${count} → ${file}`
            : `Exported ${count} channels → ${file}`,
        );
      },
    );

  program
    .command('template')
    .description('Шаблон файла для импорта / import file template')
    .command('channels <file>')
    .description('Шаблон XLSX реестра каналов со справочниками / XLSX template of the channel register')
    .addOption(langOption())
    .action(async (file: string, opts: { lang: Lang }) => {
      const buffer = await withStore(config, async (store) =>
        channelTemplate(await listRegions(store.db), opts.lang),
      );
      await writeFile(file, buffer);
      console.log(opts.lang === 'ru' ? `Шаблон записан: ${file}` : `Template written: ${file}`);
    });
}
