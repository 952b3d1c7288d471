import ExcelJS from 'exceljs';
import { csvLine } from '../register/import/channel-export.service.ts';
import { FORMULA_START } from '../register/import/tabular.reader.ts';
import { formatDay, formatMoscowTime } from './format.ts';
import type { Methodology, RatingTable } from './methodology.ts';
import type { RatingResult } from './rating.service.ts';

/**
 * A rating as a file people file and forward: XLSX with Russian (or English) headers, number formats, a frozen
 * header and a second sheet «Методика» with the methodology text, formulas, parameters and the as-of; or CSV
 * (UTF-8 with BOM, `;`, decimal comma in Russian). Text cells never become formulas: CSV cells that look like
 * one get a leading `'` (the register export's helper), XLSX cells are plain strings.
 */

export type RatingLang = 'ru' | 'en';

/** Indicators whose values are whole counts (thousands grouped), and shares (fractions shown as %). */
const COUNT_INDICATORS = new Set(['subscribers', 'channels']);
const SHARE_INDICATORS = new Set(['active_share', 'complete_share']);
/**
 * `#,##0` is the file form of a grouped whole number: Excel shows it with the reader's group separator, so
 * Russian Excel shows «1 234 567» (the «# ##0» of the Russian format dialog).
 */
const FORMAT_COUNT = '#,##0';
const FORMAT_DECIMAL = '0.00';
const FORMAT_SHARE = '0.0%';

type Exportable = RatingTable & Partial<Pick<RatingResult, 'scope' | 'period' | 'inputsObservedUntil'>>;

function objectHeader(table: Exportable, lang: RatingLang): { code: string; name: string } {
  const kind = table.scope?.kind ?? table.methodology.scope;
  if (kind === 'channels')
    return lang === 'ru' ? { code: 'ID канала', name: 'Канал' } : { code: 'Channel ID', name: 'Channel' };
  if (kind === 'municipalities') {
    return lang === 'ru' ? { code: 'Код', name: 'Муниципалитет' } : { code: 'Key', name: 'Municipality' };
  }
  return lang === 'ru' ? { code: 'Код', name: 'Регион' } : { code: 'Code', name: 'Region' };
}

function headers(methodology: Methodology, table: Exportable, lang: RatingLang): string[] {
  const ru = lang === 'ru';
  const object = objectHeader(table, lang);
  const indicators = methodology.indicators.flatMap((i) => {
    const title = ru ? i.title_ru : i.title_en;
    return [title, `${title}: ${ru ? 'место' : 'place'}`];
  });
  return [
    ru ? 'Место' : 'Place',
    object.code,
    object.name,
    ru ? 'Балл' : 'Score',
    ...indicators,
    ru ? 'Изменение места' : 'Place change',
    ru ? 'Примечания' : 'Notes',
  ];
}

function rowValues(
  methodology: Methodology,
  table: Exportable,
  lang: RatingLang,
): (string | number | null)[][] {
  return table.rows.map((r) => [
    r.place,
    r.key,
    r.name,
    r.score,
    ...methodology.indicators.flatMap((i) => [
      r.indicators[i.key]?.value ?? null,
      r.indicators[i.key]?.place ?? null,
    ]),
    r.placeChange,
    r.flags.map((f) => (lang === 'ru' ? f.reason_ru : f.reason_en)).join('; '),
  ]);
}

/** The «Методика» sheet: what was computed, how, with which parameters and data as of when. */
function aboutLines(methodology: Methodology, table: Exportable, lang: RatingLang): [string, string][] {
  const ru = lang === 'ru';
  const scope = table.scope;
  const scopeText = !scope
    ? methodology.scope
    : scope.kind === 'regions'
      ? ru
        ? 'регионы'
        : 'regions'
      : scope.kind === 'municipalities'
        ? `${ru ? 'муниципалитеты региона' : 'municipalities of'} ${scope.region}`
        : `${ru ? 'каналы' : 'channels'}${scope.category ? ` · ${scope.category}` : ''}${scope.region ? ` · ${scope.region}` : ''}`;
  const lines: [string, string][] = [
    [
      ru ? 'Методика' : 'Methodology',
      `${ru ? methodology.title_ru : methodology.title_en} (${methodology.id} v${methodology.version})`,
    ],
    [ru ? 'Дата рейтинга' : 'Rating date', formatDay(table.asOf, lang)],
    [
      ru ? 'Данные по состоянию на' : 'Data as of',
      table.inputsObservedUntil
        ? formatMoscowTime(table.inputsObservedUntil, lang)
        : ru
          ? 'нет данных'
          : 'no data',
    ],
    [ru ? 'Что оценивается' : 'Scope', scopeText],
  ];
  if (table.period)
    lines.push([
      ru ? 'Период' : 'Period',
      `${formatDay(table.period.from, lang)} — ${formatDay(table.period.to, lang)}`,
    ]);
  if (table.previous)
    lines.push([
      ru ? 'Изменение места — к дате' : 'Place change against',
      formatDay(table.previous.asOf, lang),
    ]);
  lines.push([ru ? 'Описание' : 'Description', ru ? methodology.description_ru : methodology.description_en]);
  for (const i of methodology.indicators) {
    lines.push([
      ru ? i.title_ru : i.title_en,
      `${ru ? i.formula_ru : i.formula_en} (${ru ? 'вес' : 'weight'} ${i.weight}; ${i.direction === 'desc' ? (ru ? 'больше — лучше' : 'higher is better') : ru ? 'меньше — лучше' : 'lower is better'})`,
    ]);
  }
  for (const [key, value] of Object.entries(table.methodology.parameters)) {
    lines.push([
      `${ru ? 'Параметр' : 'Parameter'} ${key}`,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]);
  }
  for (const u of ru ? methodology.unknowns_ru : methodology.unknowns_en)
    lines.push([ru ? 'Неизвестно' : 'Unknown', u]);
  lines.push([
    ru ? 'Важно' : 'Note',
    ru
      ? 'Сумма подписчиков — это сумма подписок, а не число людей. Пустая ячейка — нет данных.'
      : 'A sum of subscribers is a sum of subscriptions, not a number of people. An empty cell means no data.',
  ]);
  return lines;
}

function textCell(cell: ExcelJS.Cell, value: string): void {
  cell.value = value;
  if (FORMULA_START.test(value)) cell.numFmt = '@';
}

export async function ratingToXlsx(
  methodology: Methodology,
  table: Exportable,
  lang: RatingLang = 'ru',
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Ohvat';
  const sheet = workbook.addWorksheet(lang === 'ru' ? 'Рейтинг' : 'Rating', {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
  });
  const head = headers(methodology, table, lang);
  const headRow = sheet.addRow(head);
  headRow.font = { bold: true };
  headRow.alignment = { wrapText: true, vertical: 'top' };
  for (const values of rowValues(methodology, table, lang)) {
    const row = sheet.addRow([]);
    values.forEach((v, i) => {
      if (v === null) return;
      if (typeof v === 'string') textCell(row.getCell(i + 1), v);
      else row.getCell(i + 1).value = v;
    });
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: head.length } };
  const formats: (string | null)[] = [
    '0',
    '@',
    null,
    FORMAT_DECIMAL,
    ...methodology.indicators.flatMap((i) => [
      COUNT_INDICATORS.has(i.key)
        ? FORMAT_COUNT
        : SHARE_INDICATORS.has(i.key)
          ? FORMAT_SHARE
          : FORMAT_DECIMAL,
      '0',
    ]),
    '+0;-0;0',
    null,
  ];
  head.forEach((h, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = Math.min(30, Math.max(10, h.length + 2));
    const format = formats[i];
    if (format)
      column.eachCell({ includeEmpty: false }, (cell, row) => {
        if (row > 1 && typeof cell.value === 'number') cell.numFmt = format;
      });
  });
  sheet.getColumn(3).width = 40;
  sheet.getColumn(head.length).width = 60;
  const about = workbook.addWorksheet(lang === 'ru' ? 'Методика' : 'Methodology');
  for (const [k, v] of aboutLines(methodology, table, lang)) {
    const row = about.addRow([]);
    textCell(row.getCell(1), k);
    textCell(row.getCell(2), v);
  }
  about.getColumn(1).width = 32;
  about.getColumn(1).font = { bold: true };
  about.getColumn(2).width = 120;
  about.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function ratingToCsv(methodology: Methodology, table: Exportable, lang: RatingLang = 'ru'): Buffer {
  // Negative numbers (place changes) are written with the minus sign U+2212, which no spreadsheet reads as the
  // start of a formula, so they need no neutralising apostrophe.
  const format = (v: string | number | null) => {
    if (v === null) return '';
    if (typeof v === 'string') return v;
    const text = String(Math.abs(v));
    return `${v < 0 ? '\u2212' : ''}${lang === 'ru' ? text.replace('.', ',') : text}`;
  };
  const lines = [
    headers(methodology, table, lang),
    ...rowValues(methodology, table, lang).map((r) => r.map(format)),
  ];
  return Buffer.from(`\uFEFF${lines.map((l) => csvLine(l, ';')).join('\r\n')}\r\n`, 'utf8');
}

/** File name of an exported rating. */
export function ratingFileName(table: Exportable, format: 'xlsx' | 'csv', id?: number): string {
  const scope =
    table.scope && table.scope.kind !== 'regions'
      ? `-${table.scope.key.replace(/[:*]+/g, '-').replace(/-+$/, '')}`
      : '';
  return `ohvat-rating-${id === undefined ? table.methodology.id : id}${scope}-${table.asOf}.${format}`;
}
