import { AppError } from '../../shared/errors.ts';

/**
 * Problems found in an imported file, each pinned to the file, the row a person sees in Excel (header = row
 * 1) and the column as it is headed in the file. Messages exist in Russian and English; reports pick one.
 */

export type Lang = 'ru' | 'en';

export interface ImportIssue {
  file: string;
  /** 1-based row as Excel shows it; null for problems of the whole file. */
  row: number | null;
  /** Column header as written in the file; null when the problem is not about one column. */
  column: string | null;
  value: string | null;
  code: string;
  message_ru: string;
  message_en: string;
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/** An issue with one localised line added (what the API returns and the CLI prints). */
export interface LocalisedIssue extends ImportIssue {
  message: string;
}

export function issue(
  file: string,
  row: number | null,
  column: string | null,
  value: string | null,
  code: string,
  ru: string,
  en: string,
): ImportIssue {
  return { file, row, column, value, code, message_ru: ru, message_en: en };
}

/** `channels.csv, строка 17, столбец «Регион»: неизвестный регион «Башкирия» (…)` */
export function formatIssue(item: ImportIssue, lang: Lang): string {
  const parts = [item.file];
  if (lang === 'ru') {
    if (item.row !== null) parts.push(`строка ${item.row}`);
    if (item.column !== null) parts.push(`столбец «${item.column}»`);
    return `${parts.join(', ')}: ${item.message_ru}`;
  }
  if (item.row !== null) parts.push(`row ${item.row}`);
  if (item.column !== null) parts.push(`column "${item.column}"`);
  return `${parts.join(', ')}: ${item.message_en}`;
}

export function localiseIssues(items: ImportIssue[], lang: Lang): LocalisedIssue[] {
  return items.map((item) => ({ ...item, message: formatIssue(item, lang) }));
}

export function countRejectedRows(errors: ImportIssue[]): number {
  return new Set(errors.map((e) => e.row ?? 0)).size;
}

/** Errors sorted by row (file-level first), then by the order they were found. */
export function sortIssues(items: ImportIssue[]): ImportIssue[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => (a.item.row ?? 0) - (b.item.row ?? 0) || a.index - b.index)
    .map(({ item }) => item);
}

/** One-line outcome of an import, in the report's language. */
export function summaryLine(
  summary: ImportSummary,
  lang: Lang,
  options: { dryRun: boolean; written: boolean },
): string {
  const { created, updated, unchanged, rejected } = summary;
  if (lang === 'ru') {
    const counts = `создано ${created}, обновлено ${updated}, без изменений ${unchanged}, отклонено строк ${rejected}`;
    if (rejected > 0) return `Импорт отклонён, ничего не записано (${counts}).`;
    if (options.dryRun) return `Проверка без записи: ${counts}.`;
    return `Импорт выполнен: ${counts}.`;
  }
  const counts = `created ${created}, updated ${updated}, unchanged ${unchanged}, rows rejected ${rejected}`;
  if (rejected > 0) return `Import rejected, nothing written (${counts}).`;
  if (options.dryRun) return `Dry run, nothing written: ${counts}.`;
  return `Import done: ${counts}.`;
}

/** Rows were rejected: the import wrote nothing. The API answers 422 with the errors and the summary. */
export class ImportRejectedError extends AppError {
  override readonly status = 422;
  override readonly code = 'import_rejected';
}

/** The human-readable report: outcome, then the first `limit` errors and how many more there are. */
export function formatReport(
  result: {
    summary: ImportSummary;
    errors: ImportIssue[];
    warnings: ImportIssue[];
    dryRun: boolean;
    written: boolean;
  },
  lang: Lang,
  limit = 50,
): string {
  const lines: string[] = [];
  for (const w of result.warnings)
    lines.push(`${lang === 'ru' ? 'Предупреждение' : 'Warning'}: ${formatIssue(w, lang)}`);
  if (result.errors.length > 0) {
    lines.push(lang === 'ru' ? `Ошибки (${result.errors.length}):` : `Errors (${result.errors.length}):`);
    for (const e of result.errors.slice(0, limit)) lines.push(`  ${formatIssue(e, lang)}`);
    const more = result.errors.length - limit;
    if (more > 0) lines.push(lang === 'ru' ? `  … и ещё ${more} ошибок` : `  … and ${more} more errors`);
  }
  lines.push(summaryLine(result.summary, lang, result));
  return lines.join('\n');
}
