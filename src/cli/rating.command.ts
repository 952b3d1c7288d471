import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { presetMethodology } from '../analytics/methodologies/index.ts';
import type { RatingTable } from '../analytics/methodology.ts';
import { computeRegionRating, SUPPORTED_METHODOLOGIES } from '../analytics/rating.service.ts';
import { ratingToCsv, ratingToXlsx } from '../analytics/rating-export.service.ts';
import type { Config } from '../config/config.ts';
import { createAppContext } from '../shared/app-context.ts';
import { ValidationError } from '../shared/errors.ts';

const ru = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 2 });

function printTable(table: RatingTable, titles: Record<string, string>): void {
  const keys = Object.keys(titles);
  const head = ['Место', 'Регион', ...keys.map((k) => titles[k]!), 'Балл', '±'];
  const rows = table.rows.map((r) => [
    r.place === null ? '—' : String(r.place),
    r.name,
    ...keys.map((k) => {
      const c = r.indicators[k];
      return c?.value === null || c === undefined ? '—' : `${ru.format(c.value)} (${c.place ?? '—'})`;
    }),
    r.score === null ? '—' : ru.format(r.score),
    r.placeChange === null
      ? ''
      : r.placeChange > 0
        ? `▲${r.placeChange}`
        : r.placeChange < 0
          ? `▼${-r.placeChange}`
          : '=',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

export function registerRatingCommands(program: Command, config: () => Config): void {
  program
    .command('rating')
    .description('Рейтинг регионов по методике / a rating of regions under a methodology')
    .option('--methodology <id>', `one of ${SUPPORTED_METHODOLOGIES.join(', ')}`, 'dialog-2025')
    .option('--date <YYYY-MM-DD>', 'rating date (default: the latest day with data)')
    .option('--format <format>', 'table | json | csv | xlsx', 'table')
    .option('--out <file>', 'write to a file (required for xlsx)')
    .option('--lang <lang>', 'ru | en (file headers)', 'ru')
    .action(
      async (options: { methodology: string; date?: string; format: string; out?: string; lang: string }) => {
        if (!(SUPPORTED_METHODOLOGIES as readonly string[]).includes(options.methodology)) {
          throw new ValidationError(`unknown methodology ${options.methodology}`, {
            supported: SUPPORTED_METHODOLOGIES,
          });
        }
        if (!['table', 'json', 'csv', 'xlsx'].includes(options.format)) {
          throw new ValidationError(`unknown format ${options.format} (table, json, csv, xlsx)`);
        }
        if (options.format === 'xlsx' && !options.out)
          throw new ValidationError('--format xlsx needs --out FILE');
        const lang = options.lang === 'en' ? 'en' : 'ru';
        const ctx = await createAppContext(config());
        try {
          const table = await computeRegionRating(ctx.store.db, {
            methodology: options.methodology,
            ...(options.date ? { date: options.date } : {}),
          });
          const methodology = presetMethodology(options.methodology);
          if (options.format === 'table') {
            console.log(
              `${methodology.title_ru} (${methodology.id} v${methodology.version}) на ${table.asOf}`,
            );
            printTable(table, Object.fromEntries(methodology.indicators.map((i) => [i.key, i.title_ru])));
            return;
          }
          const body =
            options.format === 'json'
              ? Buffer.from(`${JSON.stringify(table, null, 2)}\n`)
              : options.format === 'csv'
                ? ratingToCsv(methodology, table, lang)
                : await ratingToXlsx(methodology, table, lang);
          if (options.out) {
            writeFileSync(options.out, body);
            console.error(`${options.out}: ${table.rows.length} строк / rows, ${table.asOf}`);
          } else process.stdout.write(body);
        } finally {
          await ctx.close();
        }
      },
    );
}
