import type { Kysely } from 'kysely';
import { bucketOf, writeObservations } from '../collect/observation.repository.ts';
import { mapHeaders } from '../register/import/channel.columns.ts';
import {
  countRejectedRows,
  type ImportIssue,
  type ImportSummary,
  issue,
  sortIssues,
} from '../register/import/import.issues.ts';
import { parseDay } from '../register/import/population-import.service.ts';
import { readTabular, type Tabular, wholeNumberCell } from '../register/import/tabular.reader.ts';
import { normaliseNickname, platformOfLink } from '../register/nickname.ts';
import { ValidationError } from '../shared/errors.ts';
import type { DB } from '../store/schema.ts';
import { type Day, moscowDay, moscowDayEnd, moscowDayStart } from './calendar.ts';
import { type ObservationField as Field, OBSERVATION_COLUMNS } from './observation.columns.ts';

/**
 * Audience figures from a file (history kept elsewhere, figures from another tool): channel (nickname or
 * link), date (DD.MM.YYYY or YYYY-MM-DD), optional time (Moscow), subscribers, optional views. Read with the
 * register import's reader (any usual CSV encoding and separator, or XLSX), every row validated first, and
 * nothing written when any row is rejected — each problem names the file, row and column. Rows are stored
 * as observations with source `import:<file name>` through `writeObservations`, so the daily read model
 * stays current. Without a time, a figure counts for the end of that Moscow day (23:59:59.999 +03:00).
 * Importing the same file again changes nothing; a corrected figure needs a new file name (a new source).
 */

export interface ObservationRow {
  row: number;
  channel_id: number;
  region_code: string | null;
  observed_at: number;
  subscribers: number;
  views: number | null;
}

export interface ObservationImportResult {
  file: string;
  source: string;
  summary: ImportSummary;
  errors: ImportIssue[];
  warnings: ImportIssue[];
  dryRun: boolean;
  written: boolean;
  total: number;
  /** Regions of the channels in the file (what access control checks). */
  regions: string[];
  /** First and last day of the figures. */
  from: Day | null;
  to: Day | null;
}

export interface ObservationImportOptions {
  dryRun?: boolean;
  sheet?: string;
  /** When given, a row whose channel is in another region is rejected (an operator's own regions). */
  allowedRegions?: readonly string[];
  now?: number;
}

/** The channel a nickname or link names, as (platform, nickname). */
function channelKey(value: string): { platform: string; nickname: string } | null {
  const platform = platformOfLink(value) ?? 'max';
  const n = normaliseNickname(value, platform);
  return n.ok ? { platform, nickname: n.nickname } : null;
}

/** 'HH:MM' or 'HH:MM:SS' → milliseconds after midnight; undefined when malformed. */
function parseTime(value: string): number | undefined {
  const m = /^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return undefined;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return undefined;
  return ((h * 60 + min) * 60 + s) * 1000;
}

interface KnownChannel {
  id: number;
  region_code: string | null;
}

/** Pure validation of an observations file against the channels it names. */
export function validateObservationTable(
  table: Tabular,
  channels: ReadonlyMap<string, KnownChannel>,
  options: { now: number; allowedRegions?: readonly string[] },
): { rows: ObservationRow[]; errors: ImportIssue[]; warnings: ImportIssue[]; total: number } {
  const { file } = table;
  const mapping = mapHeaders(OBSERVATION_COLUMNS, table.headers, file, table.headerRow);
  const missing = OBSERVATION_COLUMNS.filter(
    (c) =>
      (c.field === 'channel' || c.field === 'date' || c.field === 'subscribers') &&
      !mapping.index.has(c.field),
  );
  if (missing.length > 0) {
    const ru = `нет столбцов: ${missing.map((c) => `«${c.ru}»`).join(', ')} (нужны Канал, Дата, Подписчики)`;
    const en = `missing columns: ${missing.map((c) => `"${c.en}"`).join(', ')} (required: channel, date, subscribers)`;
    throw new ValidationError(`${file}: ${ru} / ${en}`, {
      file,
      code: 'missing_column',
      message_ru: ru,
      message_en: en,
    });
  }
  const allowed = options.allowedRegions ? new Set(options.allowedRegions) : null;
  const rows: ObservationRow[] = [];
  const errors: ImportIssue[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { row, cells } of table.rows) {
    const rowErrors: ImportIssue[] = [];
    const get = (field: Field) => {
      const i = mapping.index.get(field);
      return i === undefined ? '' : (cells[i] ?? '').trim();
    };
    const fail = (field: Field, value: string, code: string, ru: string, en: string) =>
      rowErrors.push(issue(file, row, mapping.header.get(field) ?? null, value, code, ru, en));

    const channelCell = get('channel');
    const key = channelCell === '' ? null : channelKey(channelCell);
    const channel = key ? channels.get(`${key.platform}|${key.nickname}`) : undefined;
    if (channelCell === '')
      fail('channel', '', 'missing_channel', 'не указан канал', 'the channel is missing');
    else if (!key) {
      fail(
        'channel',
        channelCell,
        'bad_nickname',
        `не похоже на никнейм или ссылку: «${channelCell}»`,
        `not a nickname or link: "${channelCell}"`,
      );
    } else if (!channel) {
      fail(
        'channel',
        channelCell,
        'unknown_channel',
        `канала «${key.nickname}» нет в реестре — сначала добавьте его`,
        `channel "${key.nickname}" is not in the register — add it first`,
      );
    } else if (allowed && !(channel.region_code && allowed.has(channel.region_code))) {
      fail(
        'channel',
        channelCell,
        'region_not_allowed',
        `канал «${key.nickname}» относится к региону ${channel.region_code ?? '(не указан)'}, а не к вашим`,
        `channel "${key.nickname}" belongs to region ${channel.region_code ?? '(none)'}, not one of yours`,
      );
    }

    const dateCell = get('date');
    // An Excel date-time cell arrives as an ISO instant; «01.12.2025 14:30» as text.
    const [datePart = '', inlineTime] = dateCell.includes('T') ? [dateCell] : dateCell.split(/\s+/);
    const isoInstant =
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/.test(dateCell) && !dateCell.endsWith('T00:00:00Z');
    const day = isoInstant ? moscowDay(Date.parse(dateCell)) : parseDay(datePart);
    if (!day) {
      fail(
        'date',
        dateCell,
        'bad_date',
        `некорректная дата «${dateCell}» (ожидается 01.12.2025 или 2025-12-01)`,
        `bad date "${dateCell}" (expected 01.12.2025 or 2025-12-01)`,
      );
    }
    const timeCell = get('time') || inlineTime || '';
    const time = timeCell === '' ? undefined : parseTime(timeCell);
    if (timeCell !== '' && time === undefined) {
      fail(
        'time',
        timeCell,
        'bad_time',
        `некорректное время «${timeCell}» (ожидается 14:30)`,
        `bad time "${timeCell}" (expected 14:30)`,
      );
    }
    let observedAt: number | undefined;
    if (day) {
      observedAt = isoInstant
        ? Date.parse(dateCell)
        : time === undefined
          ? moscowDayEnd(day) - 1
          : moscowDayStart(day) + time;
      if (observedAt > options.now) {
        fail(
          'date',
          dateCell,
          'future_date',
          `дата в будущем: ${dateCell}`,
          `the date is in the future: ${dateCell}`,
        );
      }
    }

    const subscribersCell = get('subscribers');
    const subscribers = wholeNumberCell(subscribersCell);
    if (!Number.isSafeInteger(subscribers)) {
      fail(
        'subscribers',
        subscribersCell,
        'bad_subscribers',
        `некорректное число подписчиков «${subscribersCell}» (ожидается целое число ≥ 0)`,
        `bad subscriber count "${subscribersCell}" (expected a whole number ≥ 0)`,
      );
    }
    const viewsCell = get('views');
    const views = viewsCell === '' ? null : wholeNumberCell(viewsCell);
    if (views !== null && !Number.isSafeInteger(views)) {
      fail(
        'views',
        viewsCell,
        'bad_views',
        `некорректное число просмотров «${viewsCell}» (ожидается целое число ≥ 0)`,
        `bad view count "${viewsCell}" (expected a whole number ≥ 0)`,
      );
    }

    if (channel && observedAt !== undefined) {
      const dup = `${channel.id}|${bucketOf(observedAt)}`;
      const first = firstRowOf.get(dup);
      if (first === undefined) firstRowOf.set(dup, row);
      else {
        fail(
          'date',
          dateCell,
          'duplicate_observation',
          `канал и время (час) уже есть в строке ${first}`,
          `the same channel and hour already appear in row ${first}`,
        );
      }
    }
    if (rowErrors.length > 0) errors.push(...rowErrors);
    else {
      rows.push({
        row,
        channel_id: channel!.id,
        region_code: channel!.region_code,
        observed_at: observedAt!,
        subscribers,
        views,
      });
    }
  }
  return { rows, errors, warnings: mapping.warnings, total: table.rows.length };
}

async function channelsNamed(db: Kysely<DB>, table: Tabular): Promise<Map<string, KnownChannel>> {
  const mapping = mapHeaders(OBSERVATION_COLUMNS, table.headers, table.file, table.headerRow);
  const column = mapping.index.get('channel');
  const keys = new Map<string, { platform: string; nickname: string }>();
  if (column !== undefined) {
    for (const r of table.rows) {
      const k = channelKey(r.cells[column] ?? '');
      if (k) keys.set(`${k.platform}|${k.nickname}`, k);
    }
  }
  const found = new Map<string, KnownChannel>();
  const nicknames = [...new Set([...keys.values()].map((k) => k.nickname))];
  for (let i = 0; i < nicknames.length; i += 1000) {
    const rows = await db
      .selectFrom('channels')
      .select(['id', 'platform', 'nickname', 'region_code'])
      .where('nickname', 'in', nicknames.slice(i, i + 1000))
      .execute();
    for (const r of rows) found.set(`${r.platform}|${r.nickname}`, { id: r.id, region_code: r.region_code });
  }
  return found;
}

/** Imports an observations file (see the module comment); nothing is written when any row is rejected. */
export async function importObservationsFile(
  db: Kysely<DB>,
  buffer: Buffer,
  file: string,
  options: ObservationImportOptions = {},
): Promise<ObservationImportResult> {
  const table = await readTabular(buffer, file, options.sheet ? { sheet: options.sheet } : {});
  const source = `import:${file}`.slice(0, 200);
  const { rows, errors, warnings, total } = validateObservationTable(table, await channelsNamed(db, table), {
    now: options.now ?? Date.now(),
    ...(options.allowedRegions ? { allowedRegions: options.allowedRegions } : {}),
  });
  // A figure already imported from this file (same channel, hour) must not change: report a conflict.
  const stored = new Map<string, number>();
  const ids = [...new Set(rows.map((r) => r.channel_id))];
  for (let i = 0; i < ids.length; i += 1000) {
    const existing = await db
      .selectFrom('observations')
      .select(['channel_id', 'bucket', 'subscribers'])
      .where('source', '=', source)
      .where('channel_id', 'in', ids.slice(i, i + 1000))
      .execute();
    for (const e of existing) stored.set(`${e.channel_id}|${e.bucket}`, e.subscribers);
  }
  const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  const fresh: ObservationRow[] = [];
  for (const r of rows) {
    const before = stored.get(`${r.channel_id}|${bucketOf(r.observed_at)}`);
    if (before === undefined) {
      summary.created++;
      fresh.push(r);
    } else if (before === r.subscribers) summary.unchanged++;
    else {
      errors.push(
        issue(
          file,
          r.row,
          null,
          String(r.subscribers),
          'conflicting_value',
          `этот файл уже загружал для канала на это время ${before}, а не ${r.subscribers}; исправление загрузите файлом с другим именем`,
          `this file already stored ${before} for the channel at that time, not ${r.subscribers}; load a correction as a file with another name`,
        ),
      );
    }
  }
  summary.rejected = countRejectedRows(errors);
  const dryRun = options.dryRun ?? false;
  const written = !dryRun && errors.length === 0;
  if (written && fresh.length > 0) {
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < fresh.length; i += 5000) {
        await writeObservations(
          trx,
          fresh.slice(i, i + 5000).map((r) => ({
            channel_id: r.channel_id,
            source,
            observed_at: r.observed_at,
            subscribers: r.subscribers,
            views: r.views,
          })),
        );
      }
    });
  }
  const days = rows.map((r) => moscowDay(r.observed_at)).sort();
  return {
    file,
    source,
    summary,
    errors: sortIssues(errors),
    warnings,
    dryRun,
    written,
    total,
    regions: [...new Set(rows.flatMap((r) => (r.region_code ? [r.region_code] : [])))].sort(),
    from: days[0] ?? null,
    to: days.at(-1) ?? null,
  };
}
