import { PassThrough, Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import { csvLine } from '../register/import/channel-export.service.ts';
import { FORMULA_START } from '../register/import/tabular.reader.ts';
import type { DB } from '../store/schema.ts';
import { type AuditFilter, type AuditRow, streamAudit } from './audit.repository.ts';

/**
 * The audit log as a file («Журнал изменений»): XLSX (streamed, every cell a plain string — never a formula)
 * or CSV (UTF-8 with BOM, `;`, cells that look like formulas get a leading `'`). Oldest entry first.
 */

export type AuditFormat = 'xlsx' | 'csv';
export type AuditLang = 'ru' | 'en';

const COLUMNS = [
  { key: 'id', ru: '№', en: 'ID', width: 8 },
  { key: 'at', ru: 'Время (UTC)', en: 'Time (UTC)', width: 24 },
  { key: 'actor_kind', ru: 'Кто: тип', en: 'Actor kind', width: 10 },
  { key: 'actor_name', ru: 'Кто', en: 'Actor', width: 22 },
  { key: 'action', ru: 'Действие', en: 'Action', width: 20 },
  { key: 'entity_type', ru: 'Объект', en: 'Entity', width: 12 },
  { key: 'entity_id', ru: 'ID объекта', en: 'Entity ID', width: 10 },
  { key: 'region_code', ru: 'Регион', en: 'Region', width: 10 },
  { key: 'before', ru: 'До', en: 'Before', width: 50 },
  { key: 'after', ru: 'После', en: 'After', width: 50 },
  { key: 'ip', ru: 'IP', en: 'IP', width: 16 },
] as const satisfies readonly { key: keyof AuditRow; ru: string; en: string; width: number }[];

export const AUDIT_SHEET = { ru: 'Журнал изменений', en: 'Audit log' } as const;

/** Cells of one entry: JSON kept as text; XLSX cells cannot exceed 32,767 characters. */
function cells(row: AuditRow): string[] {
  return COLUMNS.map((c) => {
    const value = row[c.key];
    const text = value === null ? '' : String(value);
    return text.length > 32_000 ? `${text.slice(0, 32_000)}…` : text;
  });
}

async function* csvChunks(db: Kysely<DB>, filter: AuditFilter, lang: AuditLang): AsyncGenerator<Buffer> {
  yield Buffer.from(
    `\uFEFF${csvLine(
      COLUMNS.map((c) => c[lang]),
      ';',
    )}\r\n`,
    'utf8',
  );
  for await (const rows of streamAudit(db, filter)) {
    yield Buffer.from(rows.map((r) => `${csvLine(cells(r), ';')}\r\n`).join(''), 'utf8');
  }
}

async function writeXlsx(db: Kysely<DB>, filter: AuditFilter, lang: AuditLang, stream: Writable) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'Ohvat';
  const sheet = workbook.addWorksheet(AUDIT_SHEET[lang], {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
  });
  sheet.columns = COLUMNS.map((c) => ({ key: c.key, width: c.width }));
  const header = sheet.addRow(COLUMNS.map((c) => c[lang]));
  header.font = { bold: true };
  header.commit();
  for await (const rows of streamAudit(db, filter)) {
    for (const entry of rows) {
      const row = sheet.addRow([]);
      cells(entry).forEach((value, i) => {
        if (value === '') return;
        const cell = row.getCell(i + 1);
        // Always a string value (never a formula), whatever its first character.
        cell.value = value;
        if (FORMULA_START.test(value)) cell.numFmt = '@';
      });
      row.commit();
    }
  }
  sheet.commit();
  await workbook.commit();
}

export function auditExportStream(
  db: Kysely<DB>,
  options: { format: AuditFormat; lang?: AuditLang; filter?: AuditFilter },
): Readable {
  const lang = options.lang ?? 'ru';
  const filter = options.filter ?? {};
  if (options.format === 'csv') return Readable.from(csvChunks(db, filter, lang), { objectMode: false });
  const out = new PassThrough();
  writeXlsx(db, filter, lang, out).catch((error: unknown) => out.destroy(error as Error));
  return out;
}

export function auditFileName(format: AuditFormat, date = new Date()): string {
  return `ohvat-audit-${date.toISOString().slice(0, 10)}.${format}`;
}
