import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { ValidationError } from '../../shared/errors.ts';

/**
 * Reads what people send: CSV (UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1251; `;`, `,` or tab
 * separated; quoted fields with newlines) or XLSX (first sheet or a named one, any cell type). Returns the
 * header and the data rows with the row numbers Excel shows (header = row 1), empty rows skipped.
 */

export interface TabularRow {
  /** 1-based row number as a person sees it in Excel. */
  row: number;
  cells: string[];
}

export interface Tabular {
  file: string;
  format: 'csv' | 'xlsx';
  headers: string[];
  headerRow: number;
  rows: TabularRow[];
  /** CSV only. */
  encoding?: 'utf-8' | 'utf-16le' | 'windows-1251';
  delimiter?: string;
  /** XLSX only. */
  sheet?: string;
}

export interface ReadOptions {
  /** XLSX: the sheet to read (default: the first). */
  sheet?: string;
}

function fileError(file: string, ru: string, en: string, code: string, extra: object = {}): ValidationError {
  return new ValidationError(`${file}: ${ru} / ${en}`, {
    file,
    code,
    message_ru: ru,
    message_en: en,
    ...extra,
  });
}

const startsWith = (buffer: Buffer, bytes: number[]) => bytes.every((b, i) => buffer[i] === b);

export async function readTabular(buffer: Buffer, file: string, options: ReadOptions = {}): Promise<Tabular> {
  if (buffer.length === 0 || buffer.toString('latin1').trim() === '') {
    throw fileError(file, 'файл пуст', 'the file is empty', 'empty_file');
  }
  if (startsWith(buffer, [0x50, 0x4b, 0x03, 0x04])) return readXlsx(buffer, file, options);
  if (startsWith(buffer, [0x25, 0x50, 0x44, 0x46])) {
    throw fileError(
      file,
      'это PDF, а нужен CSV или XLSX',
      'this is a PDF; expected CSV or XLSX',
      'unsupported_file',
    );
  }
  if (startsWith(buffer, [0xd0, 0xcf, 0x11, 0xe0])) {
    throw fileError(
      file,
      'старый формат Excel (.xls): сохраните файл как .xlsx или CSV',
      'old Excel format (.xls): save the file as .xlsx or CSV',
      'unsupported_file',
    );
  }
  return readCsv(buffer, file);
}

// ---------------------------------------------------------------------------------------------------- CSV

function decode(buffer: Buffer): { text: string; encoding: NonNullable<Tabular['encoding']> } {
  if (startsWith(buffer, [0xef, 0xbb, 0xbf])) {
    return { text: buffer.subarray(3).toString('utf8'), encoding: 'utf-8' };
  }
  if (startsWith(buffer, [0xff, 0xfe]))
    return { text: buffer.subarray(2).toString('utf16le'), encoding: 'utf-16le' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buffer), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(buffer, 'win1251'), encoding: 'windows-1251' };
  }
}

/** The separator used in the header line: `;`, `,` or tab, counted outside quotes. */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>([
    [';', 0],
    [',', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if ([...counts.values()].some((n) => n > 0)) break;
    } else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ';';
  for (const [ch, n] of counts) if (n > counts.get(best)!) best = ch;
  return best;
}

/**
 * NUL characters (U+0000) carry no meaning in a spreadsheet cell and PostgreSQL cannot store them: they are
 * dropped on reading, so a file imports the same way on both databases.
 */
export function withoutNul(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
}

/** Dangerous first characters of a spreadsheet cell (formula injection). */
export const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A whole number ≥ 0 as people and spreadsheets write it in a cell: `12500`, with digit groups separated by
 * spaces (`12 500`, also no-break and narrow no-break spaces, as Russian locales show it) or by commas in groups
 * of three (`12,500`: a formatted number saved "as shown" from a spreadsheet in an English locale; such a text is
 * never a whole number read as a decimal, except `1,000`-like ones, which no count means). NaN otherwise.
 */
export function wholeNumberCell(value: string): number {
  const trimmed = value.trim();
  const digits = /^\d{1,3}(,\d{3})+$/.test(trimmed)
    ? trimmed.replaceAll(',', '')
    : trimmed.replace(/[\s\u00a0\u202f]/g, '');
  return /^\d+$/.test(digits) ? Number(digits) : Number.NaN;
}

/** Undoes the export's neutralisation: one leading `'` before a formula-like start is removed. */
export function unneutralise(value: string): string {
  return /^'+[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

function readCsv(buffer: Buffer, file: string): Tabular {
  if (buffer.subarray(0, 4096).includes(0) && !startsWith(buffer, [0xff, 0xfe])) {
    throw fileError(
      file,
      'это не CSV и не XLSX (двоичный файл)',
      'not a CSV or XLSX file (binary data)',
      'unsupported_file',
    );
  }
  const { text, encoding } = decode(buffer);
  const delimiter = detectDelimiter(text);
  let records: string[][];
  try {
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      bom: true,
    });
  } catch (error) {
    const line = (error as { lines?: unknown }).lines;
    throw fileError(
      file,
      `не удалось разобрать CSV${typeof line === 'number' ? ` (строка ${line})` : ''}: ${(error as Error).message}`,
      `cannot parse CSV${typeof line === 'number' ? ` (line ${line})` : ''}: ${(error as Error).message}`,
      'bad_csv',
    );
  }
  const rows: TabularRow[] = records.map((cells, i) => ({
    row: i + 1,
    cells: cells.map((c) => unneutralise(withoutNul(c).trim()).trim()),
  }));
  return { file, format: 'csv', encoding, delimiter, ...splitHeader(rows, file) };
}

// --------------------------------------------------------------------------------------------------- XLSX

function isoOfDate(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

/** Any exceljs cell value as text: rich text joined, formulas by their result, dates as ISO dates. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : isoOfDate(value);
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) {
      return (value.richText as unknown[]).map((part) => cellText(part)).join('');
    }
    if ('formula' in value || 'sharedFormula' in value)
      return 'result' in value ? cellText(value.result) : '';
    if ('hyperlink' in value) return 'text' in value ? cellText(value.text) : String(value.hyperlink);
    if ('text' in value) return cellText(value.text);
    if ('error' in value && typeof value.error === 'string') return value.error;
  }
  return String(value);
}

async function readXlsx(buffer: Buffer, file: string, options: ReadOptions): Promise<Tabular> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(new Uint8Array(buffer).buffer);
  } catch (error) {
    throw fileError(
      file,
      `не удалось прочитать XLSX: ${(error as Error).message}`,
      `cannot read XLSX: ${(error as Error).message}`,
      'bad_xlsx',
    );
  }
  const names = workbook.worksheets.map((w) => w.name);
  const sheet = options.sheet
    ? workbook.worksheets.find((w) => w.name.trim().toLowerCase() === options.sheet!.trim().toLowerCase())
    : workbook.worksheets[0];
  if (!sheet) {
    throw fileError(
      file,
      options.sheet ? `нет листа «${options.sheet}» (есть: ${names.join(', ')})` : 'в книге нет листов',
      options.sheet
        ? `no sheet "${options.sheet}" (sheets: ${names.join(', ')})`
        : 'the workbook has no sheets',
      'no_sheet',
      { sheets: names },
    );
  }
  const rows: TabularRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    const count = row.cellCount;
    for (let c = 1; c <= count; c++) cells.push(withoutNul(cellText(row.getCell(c).value)).trim());
    rows.push({ row: row.number, cells });
  });
  return { file, format: 'xlsx', sheet: sheet.name, ...splitHeader(rows, file) };
}

// ------------------------------------------------------------------------------------------------- common

function splitHeader(all: TabularRow[], file: string): Pick<Tabular, 'headers' | 'headerRow' | 'rows'> {
  const nonEmpty = all.filter((r) => r.cells.some((c) => c !== ''));
  const header = nonEmpty[0];
  if (!header)
    throw fileError(
      file,
      'в файле нет ни строки заголовка, ни данных',
      'no header row and no data',
      'no_header',
    );
  let width = header.cells.length;
  while (width > 0 && header.cells[width - 1] === '') width--;
  const headers = header.cells.slice(0, width);
  const rows = nonEmpty.slice(1).map((r) => {
    const cells = r.cells.slice(0, Math.max(width, r.cells.length));
    while (cells.length < width) cells.push('');
    return { row: r.row, cells };
  });
  return { headers, headerRow: header.row, rows };
}
