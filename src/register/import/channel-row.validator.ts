import { ValidationError } from '../../shared/errors.ts';
import {
  CATEGORIES,
  type Category,
  CHANNEL_STATUSES,
  type ChannelStatus,
  type Labelled,
  LEVELS,
  type Level,
  PAGE_CLASSES,
  type PageClass,
  PLATFORMS,
  type Platform,
} from '../categories.ts';
import { normaliseNickname, platformOfLink } from '../nickname.ts';
import { CHANNEL_COLUMNS, type ChannelField, isHintRow, mapHeaders } from './channel.columns.ts';
import { type ImportIssue, issue } from './import.issues.ts';
import type { RegionLookup } from './region.lookup.ts';
import type { Tabular } from './tabular.reader.ts';

/**
 * Row-by-row validation of a channel register file. Pure: the only outside knowledge is the region lookup.
 * A field is `undefined` when its column is absent (or, for required fields, its cell is empty): the import
 * then keeps the stored value. `null` means the cell is empty and the stored value is cleared.
 */

export interface ParsedChannelRow {
  row: number;
  platform: Platform;
  nickname: string | null;
  chat_id: string | null;
  title?: string | null;
  organisation?: string | null;
  inn?: string | null;
  ogrn?: string | null;
  category?: Category;
  level?: Level | null;
  region_code?: string | null;
  municipality?: string | null;
  page_class?: PageClass | null;
  status?: ChannelStatus;
  official_confirmed?: 0 | 1;
}

export interface ChannelValidation {
  file: string;
  /** Rows without errors, in file order. */
  rows: ParsedChannelRow[];
  errors: ImportIssue[];
  warnings: ImportIssue[];
  /** Fields whose column is in the file. */
  present: Set<ChannelField>;
  /** Data rows in the file (hint row excluded). */
  total: number;
  /** Header text of each present field, for messages. */
  header: Map<ChannelField, string>;
}

const TRUE_WORDS = ['да', 'д', 'yes', 'y', 'true', 'истина', '1', '+', 'подтвержден'];
const FALSE_WORDS = ['нет', 'н', 'no', 'n', 'false', 'ложь', '0', '-', 'не подтвержден'];

export function parseYesNo(value: string): 0 | 1 | undefined {
  const v = value.trim().toLowerCase().replaceAll('ё', 'е');
  if (TRUE_WORDS.includes(v)) return 1;
  if (FALSE_WORDS.includes(v)) return 0;
  return undefined;
}

const list = (items: readonly Labelled[], lang: 'ru' | 'en') => items.map((i) => i[lang]).join(', ');

const foldLabel = (value: string) => value.trim().toLowerCase().replaceAll('ё', 'е').replace(/\s+/g, ' ');
const labelIndexes = new WeakMap<readonly Labelled[], Map<string, Labelled>>();

/** `lookupLabelled` with an index per list (same matching: first item whose code, label or alias folds equal). */
function findLabelled<T extends Labelled>(items: readonly T[], value: string): T | undefined {
  let index = labelIndexes.get(items);
  if (!index) {
    index = new Map();
    for (const item of items) {
      for (const name of [item.code, item.ru, item.en, ...(item.aliases ?? [])]) {
        const key = foldLabel(name);
        if (!index.has(key)) index.set(key, item);
      }
    }
    labelIndexes.set(items, index);
  }
  return index.get(foldLabel(value)) as T | undefined;
}

const NICKNAME_HINT_RU = '(ожидается max.ru/имя, https://max.ru/имя, @имя или имя: латиница, цифры, _ . -)';
const NICKNAME_HINT_EN =
  '(expected max.ru/name, https://max.ru/name, @name or name: latin letters, digits, _ . -)';

export function validateChannelTable(table: Tabular, regions: RegionLookup): ChannelValidation {
  const { file } = table;
  const mapping = mapHeaders(CHANNEL_COLUMNS, table.headers, file, table.headerRow);
  if (mapping.index.size === 0) {
    const ru = `не найдена строка заголовка: ожидаются столбцы вроде «Никнейм», «ID чата», «Регион», «Категория» (первая строка: ${table.headers.join(' | ')})`;
    const en = `no header row: expected columns like "nickname", "chat_id", "region", "category" (first row: ${table.headers.join(' | ')})`;
    throw new ValidationError(`${file}: ${ru} / ${en}`, {
      file,
      code: 'no_header',
      message_ru: ru,
      message_en: en,
    });
  }
  if (!mapping.index.has('nickname') && !mapping.index.has('chat_id')) {
    const ru = 'нет столбца «Никнейм» (или «Ссылка») и нет столбца «ID чата»: каналы не опознать';
    const en = 'neither a "nickname" (or "url") column nor a "chat_id" column: channels cannot be identified';
    throw new ValidationError(`${file}: ${ru} / ${en}`, {
      file,
      code: 'missing_identity_column',
      message_ru: ru,
      message_en: en,
    });
  }

  const errors: ImportIssue[] = [];
  const rows: ParsedChannelRow[] = [];
  const firstRowOf = new Map<string, number>();
  let dataRows = table.rows;
  if (dataRows[0] && isHintRow(CHANNEL_COLUMNS, mapping, dataRows[0].cells)) dataRows = dataRows.slice(1);

  for (const { row, cells } of dataRows) {
    const rowErrors: ImportIssue[] = [];
    const cell = (field: ChannelField): string | undefined => {
      const i = mapping.index.get(field);
      return i === undefined ? undefined : (cells[i] ?? '');
    };
    const fail = (field: ChannelField | null, value: string | null, code: string, ru: string, en: string) =>
      rowErrors.push(
        issue(file, row, field === null ? null : (mapping.header.get(field) ?? null), value, code, ru, en),
      );
    const optional = (field: ChannelField): string | null | undefined => {
      const v = cell(field);
      return v === undefined ? undefined : v === '' ? null : v;
    };
    const closed = <T extends Labelled>(
      field: ChannelField,
      items: readonly T[],
      code: string,
      what: [string, string],
    ): T | null | undefined => {
      const v = cell(field);
      if (v === undefined) return undefined;
      if (v === '') return null;
      const found = findLabelled(items, v);
      if (!found) {
        fail(
          field,
          v,
          code,
          `${what[0]} «${v}» (допустимо: ${list(items, 'ru')})`,
          `${what[1]} "${v}" (allowed: ${list(items, 'en')})`,
        );
      }
      return found;
    };

    // Platform: given, or inferred from a link's host, or MAX.
    const platformCell = cell('platform') ?? '';
    let platform: Platform = 'max';
    if (platformCell !== '') {
      const found = closed('platform', PLATFORMS, 'unknown_platform', [
        'неизвестная платформа',
        'unknown platform',
      ]);
      if (found) platform = found.code;
    } else {
      const inferred = platformOfLink(cell('nickname') ?? '');
      const match = PLATFORMS.find((p) => p.code === inferred);
      if (match) platform = match.code;
    }

    let nickname: string | null = null;
    const nickCell = cell('nickname') ?? '';
    if (nickCell !== '') {
      const result = normaliseNickname(nickCell, platform);
      if (result.ok) nickname = result.nickname;
      else if (result.reason === 'host') {
        fail(
          'nickname',
          nickCell,
          'bad_nickname',
          `ссылка «${nickCell}» ведёт не на ${platform === 'max' ? 'MAX (max.ru)' : `платформу ${platform}`}`,
          `link "${nickCell}" does not point to ${platform === 'max' ? 'MAX (max.ru)' : `platform ${platform}`}`,
        );
      } else {
        fail(
          'nickname',
          nickCell,
          'bad_nickname',
          `некорректный никнейм или ссылка «${nickCell}» ${NICKNAME_HINT_RU}`,
          `bad nickname or link "${nickCell}" ${NICKNAME_HINT_EN}`,
        );
      }
    }

    let chatId: string | null = null;
    const chatCell = (cell('chat_id') ?? '').replace(/[\s\u00a0]/g, '');
    if (chatCell !== '') {
      if (/^-?\d{1,20}$/.test(chatCell)) chatId = chatCell;
      else
        fail(
          'chat_id',
          cell('chat_id') ?? '',
          'bad_chat_id',
          `некорректный ID чата «${cell('chat_id')}» (ожидается целое число, например -72000000000123)`,
          `bad chat ID "${cell('chat_id')}" (expected an integer, e.g. -72000000000123)`,
        );
    }
    if (nickCell === '' && chatCell === '') {
      fail(
        mapping.index.has('nickname') ? 'nickname' : 'chat_id',
        '',
        'missing_identity',
        'не указан ни никнейм (ссылка), ни ID чата',
        'neither a nickname (link) nor a chat ID is given',
      );
    }

    const digits = (
      field: 'inn' | 'ogrn',
      lengths: number[],
      what: [string, string],
    ): string | null | undefined => {
      const raw = optional(field);
      if (raw === undefined || raw === null) return raw;
      const v = raw.replace(/[\s\u00a0]/g, '');
      if (/^\d+$/.test(v) && lengths.includes(v.length)) return v;
      fail(
        field,
        raw,
        `bad_${field}`,
        `некорректный ${what[0]} «${raw}» (ожидается ${lengths.join(' или ')} цифр)`,
        `bad ${what[1]} "${raw}" (expected ${lengths.join(' or ')} digits)`,
      );
      return undefined;
    };
    const inn = digits('inn', [10, 12], ['ИНН', 'INN']);
    const ogrn = digits('ogrn', [13, 15], ['ОГРН', 'OGRN']);

    const category = closed('category', CATEGORIES, 'unknown_category', [
      'неизвестная категория',
      'unknown category',
    ]);
    const level = closed('level', LEVELS, 'unknown_level', ['неизвестный уровень', 'unknown level']);
    const pageClass = closed('page_class', PAGE_CLASSES, 'unknown_page_class', [
      'неизвестный класс страницы',
      'unknown page class',
    ]);
    const status = closed('status', CHANNEL_STATUSES, 'unknown_status', [
      'неизвестный статус',
      'unknown status',
    ]);

    let regionCode: string | null | undefined;
    const regionCell = cell('region');
    if (regionCell !== undefined) {
      regionCode = regionCell === '' ? null : regions.resolve(regionCell);
      if (regionCode === undefined) {
        fail(
          'region',
          regionCell,
          'unknown_region',
          `неизвестный регион «${regionCell}» (ожидается код вроде RU-BA или название)`,
          `unknown region "${regionCell}" (expected a code like RU-BA or a name)`,
        );
      }
    }

    let confirmed: 0 | 1 | undefined;
    const confirmedCell = cell('official_confirmed');
    if (confirmedCell !== undefined && confirmedCell !== '') {
      confirmed = parseYesNo(confirmedCell);
      if (confirmed === undefined) {
        fail(
          'official_confirmed',
          confirmedCell,
          'bad_boolean',
          `ожидается «да» или «нет», а не «${confirmedCell}»`,
          `expected "yes" or "no", not "${confirmedCell}"`,
        );
      }
    }

    // Duplicates inside the file: the later row is rejected and names the first one.
    const keys: [string, 'nickname' | 'chat_id', string][] = [];
    if (nickname !== null) keys.push([`${platform}|n|${nickname}`, 'nickname', nickname]);
    if (chatId !== null) keys.push([`${platform}|c|${chatId}`, 'chat_id', chatId]);
    for (const [key, field, value] of keys) {
      const first = firstRowOf.get(key);
      if (first === undefined) {
        firstRowOf.set(key, row);
        continue;
      }
      const [ru, en] = field === 'nickname' ? ['никнейм', 'nickname'] : ['ID чата', 'chat ID'];
      fail(
        field,
        field === 'nickname' ? nickCell : chatCell,
        `duplicate_${field}`,
        `${ru} «${value}» уже есть в строке ${first} (строки ${first} и ${row} — один и тот же канал)`,
        `${en} "${value}" already appears in row ${first} (rows ${first} and ${row} are the same channel)`,
      );
    }

    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      continue;
    }
    const parsed: ParsedChannelRow = { row, platform, nickname, chat_id: chatId };
    if (mapping.index.has('title')) parsed.title = optional('title');
    if (mapping.index.has('organisation')) parsed.organisation = optional('organisation');
    if (inn !== undefined) parsed.inn = inn;
    if (ogrn !== undefined) parsed.ogrn = ogrn;
    if (category) parsed.category = category.code;
    if (level !== undefined) parsed.level = level?.code ?? null;
    if (regionCode !== undefined) parsed.region_code = regionCode;
    if (mapping.index.has('municipality')) parsed.municipality = optional('municipality');
    if (pageClass !== undefined) parsed.page_class = pageClass?.code ?? null;
    if (status) parsed.status = status.code;
    if (confirmed !== undefined) parsed.official_confirmed = confirmed;
    rows.push(parsed);
  }

  return {
    file,
    rows,
    errors,
    warnings: mapping.warnings,
    present: new Set(mapping.index.keys()),
    total: dataRows.length,
    header: mapping.header,
  };
}
