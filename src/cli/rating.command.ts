import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import { recordChange } from '../access/audit.repository.ts';
import { cliChange } from '../access/principal.ts';
import { formatDay, formatMoscowTime, formatNumber } from '../analytics/format.ts';
import type { Methodology } from '../analytics/methodology.ts';
import {
  computeRating,
  publishRating,
  type RatingRequest,
  type RatingResult,
  ratingMethodology,
  SUPPORTED_METHODOLOGIES,
} from '../analytics/rating.service.ts';
import { ratingToCsv, ratingToXlsx } from '../analytics/rating-export.service.ts';
import type { Config } from '../config/config.ts';
import { createAppContext } from '../shared/app-context.ts';
import { ValidationError } from '../shared/errors.ts';

const ru = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 2 });

/** Decimals of an indicator's column: none when every value is whole, else two for every value. */
function columnDigits(table: RatingResult, key: string): number {
  return table.rows.every((r) => {
    const v = r.indicators[key]?.value;
    return v === null || v === undefined || Number.isInteger(v);
  })
    ? 0
    : 2;
}

/** Display width of a string in a terminal (combining marks take none). */
function width(text: string): number {
  return [...text.normalize('NFC')].length;
}

function pad(text: string, size: number, left: boolean): string {
  const fill = ' '.repeat(Math.max(0, size - width(text)));
  return left ? text + fill : fill + text;
}

/** The table for a terminal: place, name, every indicator with its place, score, place change, notes. */
export function formatRatingTable(table: RatingResult, methodology: Methodology, maxName = 38): string {
  const keys = methodology.indicators.map((i) => i.key);
  const digits = new Map(keys.map((k) => [k, columnDigits(table, k)]));
  const object =
    table.scope?.kind === 'channels'
      ? 'Канал'
      : table.scope?.kind === 'municipalities'
        ? 'Муниципалитет'
        : 'Регион';
  const head = ['Место', object, ...methodology.indicators.map((i) => i.title_ru), 'Балл', '±', ''];
  const rows = table.rows.map((r) => {
    const name = width(r.name) > maxName ? `${[...r.name].slice(0, maxName - 1).join('')}…` : r.name;
    return [
      r.place === null ? '—' : String(r.place),
      name,
      ...keys.map((k) => {
        const c = r.indicators[k];
        return c?.value === null || c === undefined
          ? '—'
          : `${formatNumber(c.value, 'ru', digits.get(k))} (${c.place ?? '—'})`;
      }),
      r.score === null ? '—' : ru.format(r.score),
      r.placeChange === null
        ? ''
        : r.placeChange > 0
          ? `▲${r.placeChange}`
          : r.placeChange < 0
            ? `▼${-r.placeChange}`
            : '=',
      r.flags.some((f) => f.code.startsWith('anomaly:')) ? '⚠' : '',
    ];
  });
  const widths = head.map((h, i) =>
    Math.min(i === 1 ? maxName : 60, Math.max(width(h), ...rows.map((r) => width(r[i]!)))),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]!, i === 1 || i === cells.length - 1))
      .join('  ')
      .trimEnd();
  return [
    line(head),
    widths
      .map((w) => '─'.repeat(w))
      .join('  ')
      .trimEnd(),
    ...rows.map(line),
  ].join('\n');
}

interface RatingOptions {
  methodology: string;
  date?: string;
  period?: string;
  scope: string;
  category?: string;
  region?: string;
  parameters?: string;
  previousDays?: string;
  format: string;
  out?: string;
  lang: 'ru' | 'en';
  publish?: boolean;
  title?: string;
}

function requestOf(o: RatingOptions): RatingRequest {
  let parameters: unknown;
  if (o.parameters) {
    try {
      parameters = JSON.parse(o.parameters) as unknown;
    } catch {
      throw new ValidationError(`--parameters: not valid JSON: ${o.parameters}`);
    }
  }
  const previous = o.previousDays === undefined ? undefined : Number(o.previousDays);
  if (previous !== undefined && (!Number.isInteger(previous) || previous < 0)) {
    throw new ValidationError('--previous-days: a whole number of days ≥ 0');
  }
  return {
    methodology: o.methodology,
    ...(parameters === undefined ? {} : { parameters }),
    ...(o.date ? { date: o.date } : {}),
    ...(o.period ? { period: o.period } : {}),
    scope: { kind: o.scope as 'regions', category: o.category ?? null, region: o.region ?? null },
    ...(previous === undefined ? {} : { previousDays: previous }),
  };
}

export function registerRatingCommands(program: Command, config: () => Config): void {
  program
    .command('rating')
    .description('Рейтинг по методике / a rating under a methodology')
    .addOption(
      new Option('--methodology <id>', 'методика / methodology')
        .choices([...SUPPORTED_METHODOLOGIES])
        .default('dialog-2025'),
    )
    .option('--date <YYYY-MM-DD>', 'дата рейтинга (по умолчанию — последний день с данными) / rating date')
    .option('--period <YYYY-MM|YYYY-Www>', 'вместо даты — месяц или неделя / a month or an ISO week instead')
    .addOption(
      new Option('--scope <scope>', 'что оценивается / what is ranked')
        .choices(['regions', 'channels', 'municipalities'])
        .default('regions'),
    )
    .option('--category <code>', 'scope channels: категория / category')
    .option('--region <code>', 'scope channels: регион; municipalities: регион (обязателен)')
    .option('--parameters <json>', 'параметры методики, JSON / methodology parameters as JSON')
    .option(
      '--previous-days <n>',
      'изменение места к дате на N дней раньше (7) / place change against N days before',
    )
    .addOption(
      new Option('--format <format>', 'вывод / output')
        .choices(['table', 'json', 'csv', 'xlsx'])
        .default('table'),
    )
    .option('--out <file>', 'записать в файл (для xlsx обязательно) / write to a file (required for xlsx)')
    .addOption(
      new Option('--lang <lang>', 'язык заголовков файла / file header language')
        .choices(['ru', 'en'])
        .default('ru'),
    )
    .option('--publish', 'опубликовать: сохранить таблицу навсегда / publish: store the table for good')
    .option('--title <text>', 'заголовок опубликованного рейтинга / title of the published rating')
    .action(async (options: RatingOptions) => {
      if (options.format === 'xlsx' && !options.out)
        throw new ValidationError('--format xlsx needs --out FILE');
      const request = requestOf(options);
      const ctx = await createAppContext(config());
      try {
        let table: RatingResult;
        if (options.publish) {
          const published = await publishRating(ctx.store.db, {
            ...request,
            title: options.title ?? null,
            createdBy: `cli:${userInfo().username}`,
          });
          table = JSON.parse(published.table_json) as RatingResult;
          const { table_json: _table, parameters: _parameters, ...summary } = published;
          await recordChange(ctx.store.db, cliChange(), {
            action: 'rating.publish',
            entity_type: 'rating',
            entity_id: published.id,
            after: summary,
          });
          console.error(`Опубликован рейтинг № ${published.id} / published rating #${published.id}`);
        } else table = await computeRating(ctx.store.db, request);
        const methodology = ratingMethodology(
          table.methodology.id,
          table.methodology.parameters,
          table.scope,
        );
        if (options.format === 'table' && !options.out) {
          console.log(`${methodology.title_ru} (${methodology.id} v${methodology.version})`);
          console.log(
            `Дата: ${formatDay(table.asOf, 'ru')}; данные по состоянию на ${table.inputsObservedUntil ? formatMoscowTime(table.inputsObservedUntil, 'ru') : '—'}` +
              (table.previous ? `; изменение места — к ${formatDay(table.previous.asOf, 'ru')}` : ''),
          );
          console.log(formatRatingTable(table, methodology));
          return;
        }
        const body =
          options.format === 'json'
            ? Buffer.from(`${JSON.stringify(table, null, 2)}\n`)
            : options.format === 'csv'
              ? ratingToCsv(methodology, table, options.lang)
              : options.format === 'xlsx'
                ? await ratingToXlsx(methodology, table, options.lang)
                : Buffer.from(`${formatRatingTable(table, methodology)}\n`);
        if (options.out) {
          writeFileSync(options.out, body);
          console.error(`${options.out}: ${table.rows.length} строк / rows, ${formatDay(table.asOf, 'ru')}`);
        } else process.stdout.write(body);
      } finally {
        await ctx.close();
      }
    });
}
