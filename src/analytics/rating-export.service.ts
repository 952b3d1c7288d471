import ExcelJS from 'exceljs';
import { csvLine } from '../register/import/channel-export.service.ts';
import type { Methodology, RatingTable } from './methodology.ts';

/**
 * A rating as a file people file and forward: XLSX with Russian (or English) headers, number formats, a frozen
 * header and a second sheet with the methodology text, its parameters and the as-of date; or CSV (UTF-8 with
 * BOM, `;`). Text cells are written as plain strings (XLSX) or neutralised against formula injection (CSV).
 */

export type RatingLang = 'ru' | 'en';

function headers(methodology: Methodology, lang: RatingLang): string[] {
  const place = lang === 'ru' ? 'Место' : 'Place';
  const code = lang === 'ru' ? 'Код' : 'Code';
  const name = lang === 'ru' ? 'Регион' : 'Region';
  const score = lang === 'ru' ? 'Балл' : 'Score';
  const change = lang === 'ru' ? 'Изменение места' : 'Place change';
  const notes = lang === 'ru' ? 'Примечания' : 'Notes';
  const indicators = methodology.indicators.flatMap((i) => {
    const title = lang === 'ru' ? i.title_ru : i.title_en;
    return [title, `${title}: ${lang === 'ru' ? 'место' : 'place'}`];
  });
  return [place, code, name, score, ...indicators, change, notes];
}

function rowValues(
  methodology: Methodology,
  table: RatingTable,
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

export async function ratingToXlsx(
  methodology: Methodology,
  table: RatingTable,
  lang: RatingLang = 'ru',
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Ohvat';
  const sheet = workbook.addWorksheet(lang === 'ru' ? 'Рейтинг' : 'Rating', {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  const head = headers(methodology, lang);
  sheet.addRow(head).font = { bold: true };
  for (const values of rowValues(methodology, table, lang)) sheet.addRow(values);
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: head.length } };
  head.forEach((h, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = Math.min(48, Math.max(10, h.length + 2));
    if (i === 3 || (i >= 4 && i < 4 + methodology.indicators.length * 2 && (i - 4) % 2 === 0))
      column.numFmt = '#,##0.00';
  });
  sheet.getColumn(3).width = 40;
  const about = workbook.addWorksheet(lang === 'ru' ? 'Методика' : 'Methodology');
  const ru = lang === 'ru';
  const lines: [string, string][] = [
    [
      ru ? 'Методика' : 'Methodology',
      `${ru ? methodology.title_ru : methodology.title_en} (${methodology.id} v${methodology.version})`,
    ],
    [ru ? 'Дата рейтинга' : 'Rating date', table.asOf],
    [ru ? 'Описание' : 'Description', ru ? methodology.description_ru : methodology.description_en],
    ...methodology.indicators.map((i): [string, string] => [
      ru ? i.title_ru : i.title_en,
      ru ? i.formula_ru : i.formula_en,
    ]),
    [ru ? 'Параметры' : 'Parameters', JSON.stringify(table.methodology.parameters)],
    ...(ru ? methodology.unknowns_ru : methodology.unknowns_en).map((u): [string, string] => [
      ru ? 'Неизвестно' : 'Unknown',
      u,
    ]),
  ];
  for (const line of lines) about.addRow(line);
  about.getColumn(1).width = 28;
  about.getColumn(2).width = 120;
  about.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function ratingToCsv(methodology: Methodology, table: RatingTable, lang: RatingLang = 'ru'): Buffer {
  // Negative numbers (place changes) are written with the minus sign U+2212, which no spreadsheet reads as the
  // start of a formula, so they need no neutralising apostrophe.
  const format = (v: string | number | null) => {
    if (v === null) return '';
    if (typeof v === 'string') return v;
    const text = String(Math.abs(v));
    return `${v < 0 ? '\u2212' : ''}${lang === 'ru' ? text.replace('.', ',') : text}`;
  };
  const lines = [
    headers(methodology, lang),
    ...rowValues(methodology, table, lang).map((r) => r.map(format)),
  ];
  return Buffer.from(`\uFEFF${lines.map((l) => csvLine(l, ';')).join('\r\n')}\r\n`, 'utf8');
}
