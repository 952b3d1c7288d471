import { PassThrough, Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Kysely, Transaction } from 'kysely';
import type { Channel, DB, Organisation } from '../../store/schema.ts';
import { CATEGORIES, CHANNEL_STATUSES, LEVELS, labelOf, PAGE_CLASSES, PLATFORMS } from '../categories.ts';
import { type ChannelFilter, streamChannels } from '../channel.repository.ts';
import { canonicalUrl } from '../nickname.ts';
import { CHANNEL_COLUMNS } from './channel.columns.ts';
import { organisationsByIds } from './channel-import.repository.ts';
import type { Lang } from './import.issues.ts';
import { FORMULA_START } from './tabular.reader.ts';

/**
 * The register as a file people open in Excel, with exactly the columns the importer reads, so that export →
 * import is lossless. Pages are streamed from the database; nothing holds the whole register in memory.
 * Formula injection is neutralised: CSV cells that look like formulas get a leading `'` (the importer removes
 * it again); XLSX cells are always plain strings.
 */

type Db = Kysely<DB> | Transaction<DB>;

export type ExportFormat = 'xlsx' | 'csv';

export interface ChannelExportOptions {
  format: ExportFormat;
  lang?: Lang;
  filter?: ChannelFilter;
  /** CSV: separator (default `;`, what Russian Excel expects). */
  delimiter?: ';' | ',';
  /** CSV: encoding (default UTF-8 with BOM). */
  encoding?: 'utf-8' | 'windows-1251';
  /** Rows per database page. */
  pageSize?: number;
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
};

/** One channel as the cells of an export row, in CHANNEL_COLUMNS order. */
export function channelCells(channel: Channel, organisation: Organisation | undefined, lang: Lang): string[] {
  const yes = lang === 'ru' ? 'да' : 'yes';
  const no = lang === 'ru' ? 'нет' : 'no';
  const byField: Record<(typeof CHANNEL_COLUMNS)[number]['field'], string> = {
    platform: labelOf(PLATFORMS, channel.platform, lang),
    nickname: channel.nickname ?? '',
    chat_id: channel.chat_id ?? '',
    title: channel.title ?? '',
    organisation: organisation?.name ?? '',
    inn: organisation?.inn ?? '',
    ogrn: organisation?.ogrn ?? '',
    category: labelOf(CATEGORIES, channel.category, lang),
    level: labelOf(LEVELS, channel.level, lang),
    region: channel.region_code ?? '',
    municipality: channel.municipality ?? '',
    page_class: labelOf(PAGE_CLASSES, channel.page_class, lang),
    status: labelOf(CHANNEL_STATUSES, channel.status, lang),
    official_confirmed: channel.official_confirmed ? yes : no,
  };
  return CHANNEL_COLUMNS.map((c) => byField[c.field]);
}

export function channelHeaders(lang: Lang): string[] {
  return CHANNEL_COLUMNS.map((c) => c[lang]);
}

interface ExportPage {
  channels: Channel[];
  cells: string[][];
}

async function* exportPages(db: Db, options: ChannelExportOptions): AsyncGenerator<ExportPage> {
  const lang = options.lang ?? 'ru';
  for await (const channels of streamChannels(db, options.filter ?? {}, options.pageSize ?? 2000)) {
    const orgIds = channels.flatMap((c) => (c.organisation_id === null ? [] : [c.organisation_id]));
    const orgs = await organisationsByIds(db, orgIds);
    const cells = channels.map((c) =>
      channelCells(c, c.organisation_id === null ? undefined : orgs.get(c.organisation_id), lang),
    );
    yield { channels, cells };
  }
}

// ---------------------------------------------------------------------------------------------------- CSV

/** A cell that Excel would take for a formula gets a leading `'` (also when it already starts with `'`s). */
export function neutraliseCsvCell(value: string): string {
  return /^'*[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function csvLine(cells: string[], delimiter: string): string {
  return cells
    .map((raw) => {
      const value = neutraliseCsvCell(raw);
      return value.includes(delimiter) || /["\r\n]/.test(value) || value !== value.trim()
        ? `"${value.replaceAll('"', '""')}"`
        : value;
    })
    .join(delimiter);
}

async function* csvChunks(db: Db, options: ChannelExportOptions): AsyncGenerator<Buffer> {
  const delimiter = options.delimiter ?? ';';
  const cp1251 = options.encoding === 'windows-1251';
  const encode = (text: string) => (cp1251 ? iconv.encode(text, 'win1251') : Buffer.from(text, 'utf8'));
  const header = `${csvLine(channelHeaders(options.lang ?? 'ru'), delimiter)}\r\n`;
  yield cp1251 ? encode(header) : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), encode(header)]);
  for await (const page of exportPages(db, options)) {
    yield encode(page.cells.map((cells) => `${csvLine(cells, delimiter)}\r\n`).join(''));
  }
}

// --------------------------------------------------------------------------------------------------- XLSX

async function writeXlsx(db: Db, options: ChannelExportOptions, stream: Writable): Promise<void> {
  const lang = options.lang ?? 'ru';
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'Ohvat';
  const sheet = workbook.addWorksheet(lang === 'ru' ? 'Каналы' : 'Channels', {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
  });
  sheet.columns = CHANNEL_COLUMNS.map((c) => ({ key: c.field, width: c.width }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: CHANNEL_COLUMNS.length } };
  const header = sheet.addRow(channelHeaders(lang));
  header.font = { bold: true };
  header.commit();
  const nicknameColumn = CHANNEL_COLUMNS.findIndex((c) => c.field === 'nickname') + 1;
  for await (const page of exportPages(db, options)) {
    page.cells.forEach((cells, i) => {
      const row = sheet.addRow([]);
      cells.forEach((value, c) => {
        if (value === '') return;
        const cell = row.getCell(c + 1);
        const channel = page.channels[i]!;
        if (c + 1 === nicknameColumn && channel.nickname) {
          cell.value = {
            text: value,
            hyperlink: channel.url ?? canonicalUrl(channel.platform, channel.nickname),
          };
        } else {
          // Always a string value (never a formula), whatever its first character.
          cell.value = value;
          if (FORMULA_START.test(value)) cell.numFmt = '@';
        }
      });
      row.commit();
    });
  }
  sheet.commit();
  await workbook.commit();
}

// ------------------------------------------------------------------------------------------------- public

/** The export as a byte stream (for HTTP responses and files). Errors destroy the stream. */
export function channelExportStream(db: Db, options: ChannelExportOptions): Readable {
  if (options.format === 'csv') return Readable.from(csvChunks(db, options), { objectMode: false });
  const out = new PassThrough();
  writeXlsx(db, options, out).catch((error: unknown) => out.destroy(error as Error));
  return out;
}

export async function exportChannelsToBuffer(db: Db, options: ChannelExportOptions): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of channelExportStream(db, options)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

export function exportFileName(format: ExportFormat, date = new Date()): string {
  return `ohvat-channels-${date.toISOString().slice(0, 10)}.${format}`;
}
