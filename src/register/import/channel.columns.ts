import { CHANNEL_STATUSES, LEVELS, PAGE_CLASSES, PLATFORMS } from '../categories.ts';
import { type ImportIssue, issue, type Lang } from './import.issues.ts';
import { foldKey } from './region.lookup.ts';

/**
 * The columns of the channel register file: one definition serves the importer (accepted headers), the
 * exporter and the template (headers in Russian or English, hints, widths). Header matching ignores case,
 * spaces, punctuation and ё/е.
 */

export const CHANNEL_FIELDS = [
  'platform',
  'nickname',
  'chat_id',
  'title',
  'organisation',
  'inn',
  'ogrn',
  'category',
  'level',
  'region',
  'municipality',
  'page_class',
  'status',
  'official_confirmed',
] as const;
export type ChannelField = (typeof CHANNEL_FIELDS)[number];

export interface ColumnDef<F extends string> {
  field: F;
  ru: string;
  en: string;
  /** Other accepted headers. */
  aliases: string[];
  hint_ru: string;
  hint_en: string;
  /** Column width in the XLSX files (characters). */
  width: number;
}

const labels = (list: readonly { ru: string; en: string }[], lang: Lang) =>
  list.map((i) => i[lang]).join(', ');

export const CHANNEL_COLUMNS: ColumnDef<ChannelField>[] = [
  {
    field: 'platform',
    ru: 'Платформа',
    en: 'platform',
    aliases: ['площадка', 'мессенджер', 'соцсеть', 'messenger'],
    hint_ru: `MAX (по умолчанию), ${labels(PLATFORMS.slice(1), 'ru')}`,
    hint_en: `MAX (default), ${labels(PLATFORMS.slice(1), 'en')}`,
    width: 12,
  },
  {
    field: 'nickname',
    ru: 'Никнейм',
    en: 'nickname',
    aliases: [
      'ник',
      'ссылка',
      'адрес',
      'ссылка на канал',
      'адрес канала',
      'url',
      'link',
      'nick',
      'username',
      'channel url',
      'channel link',
    ],
    hint_ru: 'max.ru/gubernator, https://max.ru/gubernator, @gubernator или gubernator',
    hint_en: 'max.ru/gubernator, https://max.ru/gubernator, @gubernator or gubernator',
    width: 24,
  },
  {
    field: 'chat_id',
    ru: 'ID чата',
    en: 'chat_id',
    aliases: ['идентификатор чата', 'id канала', 'chat id', 'channel id'],
    hint_ru: 'число, например -72000000000123 (нужен никнейм или ID чата)',
    hint_en: 'a number, e.g. -72000000000123 (nickname or chat ID is required)',
    width: 18,
  },
  {
    field: 'title',
    ru: 'Название',
    en: 'title',
    aliases: ['название канала', 'наименование канала', 'name', 'channel name', 'channel title'],
    hint_ru: 'Губернатор Республики Башкортостан',
    hint_en: 'Head of the Republic of Bashkortostan',
    width: 36,
  },
  {
    field: 'organisation',
    ru: 'Организация',
    en: 'organisation',
    aliases: ['наименование организации', 'название организации', 'учреждение', 'organization', 'org'],
    hint_ru: 'Администрация Главы Республики Башкортостан',
    hint_en: 'Administration of the Head of the Republic',
    width: 36,
  },
  {
    field: 'inn',
    ru: 'ИНН',
    en: 'inn',
    aliases: ['инн организации', 'tax id'],
    hint_ru: '10 или 12 цифр',
    hint_en: '10 or 12 digits',
    width: 14,
  },
  {
    field: 'ogrn',
    ru: 'ОГРН',
    en: 'ogrn',
    aliases: ['огрн организации'],
    hint_ru: '13 или 15 цифр',
    hint_en: '13 or 15 digits',
    width: 17,
  },
  {
    field: 'category',
    ru: 'Категория',
    en: 'category',
    aliases: ['категория организации', 'сфера'],
    hint_ru: 'см. лист «Справочники» (обязательна для новых каналов)',
    hint_en: 'see the «Справочники» sheet (required for new channels)',
    width: 30,
  },
  {
    field: 'level',
    ru: 'Уровень',
    en: 'level',
    aliases: ['уровень власти'],
    hint_ru: labels(LEVELS, 'ru'),
    hint_en: labels(LEVELS, 'en'),
    width: 16,
  },
  {
    field: 'region',
    ru: 'Регион',
    en: 'region',
    aliases: ['субъект', 'субъект рф', 'код региона', 'region code', 'subject'],
    hint_ru: 'код RU-BA или название: Республика Башкортостан',
    hint_en: 'code RU-BA or name: Republic of Bashkortostan',
    width: 16,
  },
  {
    field: 'municipality',
    ru: 'Муниципалитет',
    en: 'municipality',
    aliases: ['муниципальное образование', 'мо', 'municipal formation'],
    hint_ru: 'городской округ Уфа',
    hint_en: 'Ufa urban district',
    width: 24,
  },
  {
    field: 'page_class',
    ru: 'Класс страницы',
    en: 'page_class',
    aliases: ['класс', 'класс паблика', 'page class', 'class'],
    hint_ru: labels(PAGE_CLASSES, 'ru'),
    hint_en: labels(PAGE_CLASSES, 'en'),
    width: 16,
  },
  {
    field: 'status',
    ru: 'Статус',
    en: 'status',
    aliases: ['состояние'],
    hint_ru: `${labels(CHANNEL_STATUSES, 'ru')} (по умолчанию: ${CHANNEL_STATUSES[0].ru})`,
    hint_en: `${labels(CHANNEL_STATUSES, 'en')} (default: ${CHANNEL_STATUSES[0].en})`,
    width: 14,
  },
  {
    field: 'official_confirmed',
    ru: 'Подтверждён',
    en: 'official_confirmed',
    aliases: [
      'подтверждено',
      'официальный',
      'официальность подтверждена',
      'confirmed',
      'official',
      'verified',
    ],
    hint_ru: 'да / нет',
    hint_en: 'yes / no',
    width: 13,
  },
];

export interface HeaderMapping<F extends string> {
  /** Field → index of the column that supplies it. */
  index: Map<F, number>;
  /** Field → header text as written in the file (for reports). */
  header: Map<F, string>;
  warnings: ImportIssue[];
}

/** Maps the file's headers to fields; unknown and repeated columns become warnings (the column is ignored). */
export function mapHeaders<F extends string>(
  columns: ColumnDef<F>[],
  headers: string[],
  file: string,
  headerRow: number,
): HeaderMapping<F> {
  const byKey = new Map<string, F>();
  for (const c of columns)
    for (const name of [c.field, c.ru, c.en, ...c.aliases]) byKey.set(foldKey(name), c.field);
  const index = new Map<F, number>();
  const header = new Map<F, string>();
  const warnings: ImportIssue[] = [];
  headers.forEach((text, i) => {
    if (text === '') return;
    const field = byKey.get(foldKey(text));
    if (field === undefined) {
      warnings.push(
        issue(
          file,
          headerRow,
          text,
          text,
          'unknown_column',
          `неизвестный столбец «${text}» пропущен`,
          `unknown column "${text}" ignored`,
        ),
      );
    } else if (index.has(field)) {
      const first = header.get(field)!;
      warnings.push(
        issue(
          file,
          headerRow,
          text,
          text,
          'duplicate_column',
          `столбец «${text}» повторяет столбец «${first}» и пропущен`,
          `column "${text}" repeats column "${first}" and is ignored`,
        ),
      );
    } else {
      index.set(field, i);
      header.set(field, text);
    }
  });
  return { index, header, warnings };
}

/** Whether a data row is the template's hint row (left in by the user): most filled cells equal their hint. */
export function isHintRow<F extends string>(
  columns: ColumnDef<F>[],
  mapping: HeaderMapping<F>,
  cells: string[],
): boolean {
  let filled = 0;
  let hints = 0;
  for (const c of columns) {
    const i = mapping.index.get(c.field);
    const value = i === undefined ? '' : (cells[i] ?? '');
    if (value === '') continue;
    filled++;
    const key = foldKey(value);
    if (key === foldKey(c.hint_ru) || key === foldKey(c.hint_en)) hints++;
  }
  return filled >= 2 && hints * 2 > filled;
}
