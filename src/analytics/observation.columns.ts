import type { ColumnDef } from '../register/import/channel.columns.ts';

/** The columns of an observations file (accepted headers in Russian and English, hints, widths). */

export type ObservationField = 'channel' | 'date' | 'time' | 'subscribers' | 'views';

export const OBSERVATION_COLUMNS: ColumnDef<ObservationField>[] = [
  {
    field: 'channel',
    ru: 'Канал',
    en: 'channel',
    aliases: [
      'никнейм',
      'ник',
      'ссылка',
      'адрес',
      'адрес канала',
      'ссылка на канал',
      'nickname',
      'link',
      'url',
    ],
    hint_ru: 'max.ru/gubernator, @gubernator или gubernator',
    hint_en: 'max.ru/gubernator, @gubernator or gubernator',
    width: 24,
  },
  {
    field: 'date',
    ru: 'Дата',
    en: 'date',
    aliases: ['день', 'day', 'на дату'],
    hint_ru: '01.12.2025 или 2025-12-01',
    hint_en: '01.12.2025 or 2025-12-01',
    width: 12,
  },
  {
    field: 'time',
    ru: 'Время',
    en: 'time',
    aliases: ['время мск', 'time msk'],
    hint_ru: '14:30 (по Москве; по умолчанию — конец дня)',
    hint_en: '14:30 (Moscow; default: the end of the day)',
    width: 10,
  },
  {
    field: 'subscribers',
    ru: 'Подписчики',
    en: 'subscribers',
    aliases: [
      'подписчиков',
      'число подписчиков',
      'участники',
      'участников',
      'participants',
      'members',
      'followers',
    ],
    hint_ru: 'целое число',
    hint_en: 'a whole number',
    width: 14,
  },
  {
    field: 'views',
    ru: 'Просмотры',
    en: 'views',
    aliases: ['просмотров', 'охват', 'reach'],
    hint_ru: 'целое число (необязательно)',
    hint_en: 'a whole number (optional)',
    width: 14,
  },
];
