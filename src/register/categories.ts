/**
 * The closed lists of the register. Codes are stable (stored, used in the API and in files); labels are
 * what people see and what imports accept besides the code (case-insensitive).
 */

export interface Labelled {
  code: string;
  ru: string;
  en: string;
  /** Extra spellings accepted on import. */
  aliases?: string[];
}

export const CATEGORIES = [
  {
    code: 'regional_government',
    ru: 'Правительство региона / губернатор',
    en: 'Regional government / governor',
    aliases: ['правительство', 'губернатор', 'глава региона', 'governor', 'government'],
  },
  {
    code: 'executive_body',
    ru: 'Орган исполнительной власти',
    en: 'Executive body',
    aliases: ['оив', 'министерство', 'ведомство', 'ministry', 'agency'],
  },
  {
    code: 'local_government',
    ru: 'Местное самоуправление',
    en: 'Local self-government',
    aliases: ['мсу', 'администрация', 'муниципалитет', 'municipality', 'local'],
  },
  {
    code: 'legislature',
    ru: 'Законодательный орган',
    en: 'Legislature',
    aliases: ['заксобрание', 'дума', 'parliament'],
  },
  { code: 'school', ru: 'Школа', en: 'School', aliases: ['сош', 'гимназия', 'лицей'] },
  { code: 'kindergarten', ru: 'Детский сад', en: 'Kindergarten', aliases: ['доу', 'детсад'] },
  {
    code: 'college_university',
    ru: 'Колледж / вуз',
    en: 'College / university',
    aliases: ['колледж', 'вуз', 'университет', 'техникум', 'college', 'university'],
  },
  {
    code: 'healthcare',
    ru: 'Здравоохранение',
    en: 'Healthcare',
    aliases: ['больница', 'поликлиника', 'медицина', 'hospital', 'clinic'],
  },
  {
    code: 'culture',
    ru: 'Культура (театр, музей, библиотека)',
    en: 'Culture (theatre, museum, library)',
    aliases: ['культура', 'театр', 'музей', 'библиотека', 'theatre', 'museum', 'library'],
  },
  {
    code: 'youth',
    ru: 'Молодёжь',
    en: 'Youth',
    aliases: ['молодежь', 'молодёжная политика', 'молодежная политика'],
  },
  {
    code: 'social_protection',
    ru: 'Социальная защита',
    en: 'Social protection',
    aliases: ['соцзащита', 'социальная защита', 'social'],
  },
  { code: 'sport', ru: 'Спорт', en: 'Sport', aliases: ['спорт', 'sports'] },
  { code: 'other', ru: 'Прочее', en: 'Other', aliases: ['другое', 'прочие'] },
] as const satisfies readonly Labelled[];

export type Category = (typeof CATEGORIES)[number]['code'];

export const LEVELS = [
  { code: 'federal', ru: 'Федеральный', en: 'Federal', aliases: ['фед', 'федеральный уровень'] },
  { code: 'regional', ru: 'Региональный', en: 'Regional', aliases: ['рег', 'региональный уровень'] },
  {
    code: 'municipal',
    ru: 'Муниципальный',
    en: 'Municipal',
    aliases: ['мун', 'муниципальный уровень', 'local'],
  },
] as const satisfies readonly Labelled[];

export type Level = (typeof LEVELS)[number]['code'];

/** Page classes of regional rules (St Petersburg): flagship, active, business card. */
export const PAGE_CLASSES = [
  { code: 'flagship', ru: 'Флагманский', en: 'Flagship', aliases: ['флагман'] },
  { code: 'active', ru: 'Активный', en: 'Active' },
  { code: 'card', ru: 'Визитка', en: 'Business card', aliases: ['visiting card', 'визитная карточка'] },
] as const satisfies readonly Labelled[];

export type PageClass = (typeof PAGE_CLASSES)[number]['code'];

export const CHANNEL_STATUSES = [
  { code: 'active', ru: 'Действует', en: 'Active', aliases: ['активен', 'действующий'] },
  { code: 'candidate', ru: 'Кандидат', en: 'Candidate', aliases: ['на проверке'] },
  { code: 'removed', ru: 'Удалён', en: 'Removed', aliases: ['удален', 'закрыт', 'deleted'] },
] as const satisfies readonly Labelled[];

export type ChannelStatus = (typeof CHANNEL_STATUSES)[number]['code'];

export const PLATFORMS = [
  { code: 'max', ru: 'MAX', en: 'MAX', aliases: ['макс'] },
  { code: 'vk', ru: 'ВКонтакте', en: 'VK', aliases: ['вк', 'vkontakte'] },
  { code: 'ok', ru: 'Одноклассники', en: 'Odnoklassniki', aliases: ['ок', 'odnoklassniki'] },
  { code: 'telegram', ru: 'Telegram', en: 'Telegram', aliases: ['телеграм', 'tg'] },
] as const satisfies readonly Labelled[];

export type Platform = (typeof PLATFORMS)[number]['code'];

export const categoryCodes = CATEGORIES.map((c) => c.code) as [Category, ...Category[]];
export const levelCodes = LEVELS.map((c) => c.code) as [Level, ...Level[]];
export const pageClassCodes = PAGE_CLASSES.map((c) => c.code) as [PageClass, ...PageClass[]];
export const channelStatusCodes = CHANNEL_STATUSES.map((c) => c.code) as [ChannelStatus, ...ChannelStatus[]];
export const platformCodes = PLATFORMS.map((c) => c.code) as [Platform, ...Platform[]];

function fold(value: string): string {
  return value.trim().toLowerCase().replaceAll('ё', 'е').replace(/\s+/g, ' ');
}

/** Finds a list entry by code, Russian or English label or alias; undefined when nothing matches. */
export function lookupLabelled<T extends Labelled>(list: readonly T[], value: string): T | undefined {
  const wanted = fold(value);
  return list.find(
    (item) =>
      fold(item.code) === wanted ||
      fold(item.ru) === wanted ||
      fold(item.en) === wanted ||
      (item.aliases ?? []).some((a) => fold(a) === wanted),
  );
}

export function labelOf(list: readonly Labelled[], code: string | null, lang: 'ru' | 'en' = 'ru'): string {
  if (code === null) return '';
  return list.find((item) => item.code === code)?.[lang] ?? code;
}
