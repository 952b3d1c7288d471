import type { Kysely } from 'kysely';
import { ValidationError } from '../../shared/errors.ts';
import type { DB } from '../../store/schema.ts';
import { listRegions, upsertPopulation } from '../region.repository.ts';
import { type ColumnDef, mapHeaders } from './channel.columns.ts';
import {
  countRejectedRows,
  type ImportIssue,
  type ImportSummary,
  issue,
  sortIssues,
} from './import.issues.ts';
import { buildRegionLookup, type RegionLookup } from './region.lookup.ts';
import { readTabular, type Tabular, wholeNumberCell } from './tabular.reader.ts';

/**
 * Population figures by region and date (`region_population`). A figure for a new date is added, one for an
 * existing (region, date) is corrected; figures at other dates stay, so history is never lost. Same rules
 * as the channel import: every row validated first, nothing written when any row is rejected.
 */

type PopulationField = 'region' | 'as_of' | 'population' | 'source';

export const POPULATION_COLUMNS: ColumnDef<PopulationField>[] = [
  {
    field: 'region',
    ru: 'Регион',
    en: 'region',
    aliases: ['код', 'код региона', 'субъект', 'code', 'region code', 'region_code'],
    hint_ru: 'RU-BA или Республика Башкортостан',
    hint_en: 'RU-BA or Republic of Bashkortostan',
    width: 16,
  },
  {
    field: 'as_of',
    ru: 'Дата',
    en: 'date',
    aliases: ['на дату', 'дата оценки', 'as of', 'as_of'],
    hint_ru: '2025-01-01 или 01.01.2025',
    hint_en: '2025-01-01 or 01.01.2025',
    width: 12,
  },
  {
    field: 'population',
    ru: 'Численность',
    en: 'population',
    aliases: ['население', 'численность населения', 'чел', 'человек'],
    hint_ru: 'целое число жителей',
    hint_en: 'number of residents',
    width: 14,
  },
  {
    field: 'source',
    ru: 'Источник',
    en: 'source',
    aliases: ['источник данных'],
    hint_ru: 'Росстат, оценка на 1 января 2026 г.',
    hint_en: 'Rosstat estimate as of 1 January 2026',
    width: 40,
  },
];

export interface PopulationRow {
  row: number;
  region_code: string;
  as_of: string;
  population: number;
  source: string;
}

export interface PopulationImportResult {
  file: string;
  summary: ImportSummary;
  errors: ImportIssue[];
  warnings: ImportIssue[];
  dryRun: boolean;
  written: boolean;
  total: number;
}

/** `YYYY-MM-DD` or `DD.MM.YYYY` (also from Excel date cells) → ISO day, if it is a real calendar day. */
export function parseDay(value: string): string | undefined {
  const v = value.trim().replace(/T00:00:00(\.000)?Z$/, '');
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const ru = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(v);
  const [y, m, d] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : ru
      ? [Number(ru[3]), Number(ru[2]), Number(ru[1])]
      : [0, 0, 0];
  if (y < 1900) return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return undefined;
  return date.toISOString().slice(0, 10);
}

/** Pure validation of a population file. */
export function validatePopulationTable(
  table: Tabular,
  regions: RegionLookup,
): { rows: PopulationRow[]; errors: ImportIssue[]; warnings: ImportIssue[]; total: number } {
  const { file } = table;
  const mapping = mapHeaders(POPULATION_COLUMNS, table.headers, file, table.headerRow);
  const missing = POPULATION_COLUMNS.filter((c) => !mapping.index.has(c.field));
  if (missing.length > 0) {
    const ru = `нет столбцов: ${missing.map((c) => `«${c.ru}»`).join(', ')} (нужны Регион, Дата, Численность, Источник)`;
    const en = `missing columns: ${missing.map((c) => `"${c.en}"`).join(', ')} (required: region, date, population, source)`;
    throw new ValidationError(`${file}: ${ru} / ${en}`, {
      file,
      code: 'missing_column',
      message_ru: ru,
      message_en: en,
    });
  }
  const rows: PopulationRow[] = [];
  const errors: ImportIssue[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { row, cells } of table.rows) {
    const rowErrors: ImportIssue[] = [];
    const get = (field: PopulationField) => cells[mapping.index.get(field)!] ?? '';
    const fail = (field: PopulationField, value: string, code: string, ru: string, en: string) =>
      rowErrors.push(issue(file, row, mapping.header.get(field) ?? null, value, code, ru, en));

    const regionCell = get('region');
    const region = regions.resolve(regionCell);
    if (!region) {
      fail(
        'region',
        regionCell,
        'unknown_region',
        `неизвестный регион «${regionCell}» (ожидается код вроде RU-BA или название)`,
        `unknown region "${regionCell}" (expected a code like RU-BA or a name)`,
      );
    }
    const dateCell = get('as_of');
    const asOf = parseDay(dateCell);
    if (!asOf) {
      fail(
        'as_of',
        dateCell,
        'bad_date',
        `некорректная дата «${dateCell}» (ожидается 2025-01-01 или 01.01.2025)`,
        `bad date "${dateCell}" (expected 2025-01-01 or 01.01.2025)`,
      );
    }
    const popCell = get('population');
    const population = wholeNumberCell(popCell);
    if (!Number.isSafeInteger(population) || population <= 0) {
      fail(
        'population',
        popCell,
        'bad_population',
        `некорректная численность «${popCell}» (ожидается целое положительное число)`,
        `bad population "${popCell}" (expected a positive whole number)`,
      );
    }
    const source = get('source');
    if (source === '') {
      fail('source', '', 'missing_source', 'не указан источник данных', 'the source is missing');
    }
    if (region && asOf) {
      const key = `${region}|${asOf}`;
      const first = firstRowOf.get(key);
      if (first === undefined) firstRowOf.set(key, row);
      else
        fail(
          'as_of',
          dateCell,
          'duplicate_population',
          `регион ${region} на дату ${asOf} уже есть в строке ${first}`,
          `region ${region} at ${asOf} already appears in row ${first}`,
        );
    }
    if (rowErrors.length > 0) errors.push(...rowErrors);
    else rows.push({ row, region_code: region!, as_of: asOf!, population, source });
  }
  return { rows, errors, warnings: mapping.warnings, total: table.rows.length };
}

export async function importPopulationFile(
  db: Kysely<DB>,
  buffer: Buffer,
  file: string,
  options: { dryRun?: boolean; sheet?: string } = {},
): Promise<PopulationImportResult> {
  const table = await readTabular(buffer, file, options.sheet ? { sheet: options.sheet } : {});
  const { rows, errors, warnings, total } = validatePopulationTable(
    table,
    buildRegionLookup(await listRegions(db)),
  );
  const existing = new Map<string, { population: number; source: string }>();
  const codes = [...new Set(rows.map((r) => r.region_code))];
  if (codes.length > 0) {
    const stored = await db
      .selectFrom('region_population')
      .selectAll()
      .where('region_code', 'in', codes)
      .execute();
    for (const s of stored) existing.set(`${s.region_code}|${s.as_of}`, s);
  }
  const summary: ImportSummary = {
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: countRejectedRows(errors),
  };
  const changed: PopulationRow[] = [];
  for (const r of rows) {
    const before = existing.get(`${r.region_code}|${r.as_of}`);
    if (!before) summary.created++;
    else if (before.population !== r.population || before.source !== r.source) summary.updated++;
    else {
      summary.unchanged++;
      continue;
    }
    changed.push(r);
  }
  const dryRun = options.dryRun ?? false;
  const written = !dryRun && errors.length === 0;
  if (written && changed.length > 0) {
    await db.transaction().execute((trx) =>
      upsertPopulation(
        trx,
        changed.map(({ region_code, as_of, population, source }) => ({
          region_code,
          as_of,
          population,
          source,
        })),
      ),
    );
  }
  return { file, summary, errors: sortIssues(errors), warnings, dryRun, written, total };
}
