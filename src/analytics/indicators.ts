import type { ChannelMetrics } from './metrics.ts';
import type { Direction } from './ranking.ts';
import type { RegionMetrics } from './region-metrics.ts';

/**
 * The catalogue of indicators a methodology can use, each with its formula written out in Russian and
 * English (metric names clash between tools, so a formula is always named). Values are computed from
 * RegionMetrics / ChannelMetrics by `regionIndicatorValues` / `channelIndicatorValues`.
 */

export interface IndicatorDefinition {
  key: string;
  title_ru: string;
  title_en: string;
  formula_ru: string;
  formula_en: string;
  direction: Direction;
}

const SUM_NOTE_RU = 'сумма подписок, а не число уникальных людей';
const SUM_NOTE_EN = 'a sum of subscriptions, not a count of unique people';

export const INDICATORS = {
  subscribers: {
    key: 'subscribers',
    title_ru: 'Подписчики',
    title_en: 'Subscribers',
    formula_ru: `Σ подписчиков каналов на конец дня по Москве (${SUM_NOTE_RU})`,
    formula_en: `Σ channel subscribers at the end of the Moscow day (${SUM_NOTE_EN})`,
    direction: 'desc',
  },
  subscribers_per_1000: {
    key: 'subscribers_per_1000',
    title_ru: 'Подписчики на 1 000 жителей',
    title_en: 'Subscribers per 1,000 inhabitants',
    formula_ru: 'Σ подписчиков / численность населения × 1 000',
    formula_en: 'Σ subscribers / population × 1,000',
    direction: 'desc',
  },
  subscribers_per_100: {
    key: 'subscribers_per_100',
    title_ru: 'Подписчики на 100 жителей',
    title_en: 'Subscribers per 100 inhabitants',
    formula_ru: 'Σ подписчиков / численность населения × 100',
    formula_en: 'Σ subscribers / population × 100',
    direction: 'desc',
  },
  channels: {
    key: 'channels',
    title_ru: 'Официальные каналы',
    title_en: 'Official channels',
    formula_ru: 'число официальных каналов в реестре',
    formula_en: 'number of official channels in the register',
    direction: 'desc',
  },
  channels_per_100k: {
    key: 'channels_per_100k',
    title_ru: 'Каналы на 100 000 жителей',
    title_en: 'Channels per 100,000 inhabitants',
    formula_ru: 'число официальных каналов / численность населения × 100 000',
    formula_en: 'official channels / population × 100,000',
    direction: 'desc',
  },
  active_share: {
    key: 'active_share',
    title_ru: 'Доля активных каналов',
    title_en: 'Share of active channels',
    formula_ru: 'каналы с ≥ 3 публикаций в неделю (за 28 дней) / каналы с известной активностью',
    formula_en: 'channels with ≥ 3 posts a week (over 28 days) / channels with known posting',
    direction: 'desc',
  },
  complete_share: {
    key: 'complete_share',
    title_ru: 'Доля заполненных страниц',
    title_en: 'Share of complete pages',
    formula_ru: 'страницы с названием, описанием, аватаром, контактами и ссылкой / проверенные страницы',
    formula_en: 'pages with title, description, avatar, contacts and link / checked pages',
    direction: 'desc',
  },
  growth_pct: {
    key: 'growth_pct',
    title_ru: 'Прирост подписчиков, %',
    title_en: 'Subscriber growth, %',
    formula_ru: 'Σ(конец − начало) / Σ начало × 100 по каналам, известным на обе даты',
    formula_en: 'Σ(end − start) / Σ start × 100 over channels known at both dates',
    direction: 'desc',
  },
  avg_views_24h: {
    key: 'avg_views_24h',
    title_ru: 'Средние просмотры поста за 24 ч',
    title_en: 'Average views per post at 24 h',
    formula_ru: 'Σ просмотров постов в возрасте 24 ч / число постов (без репостов)',
    formula_en: 'Σ views of posts at the age of 24 h / number of posts (reposts excluded)',
    direction: 'desc',
  },
  avg_views_7d: {
    key: 'avg_views_7d',
    title_ru: 'Средние просмотры поста за 7 дней',
    title_en: 'Average views per post at 7 days',
    formula_ru: 'Σ просмотров постов в возрасте 7 дней / число постов (без репостов)',
    formula_en: 'Σ views of posts at the age of 7 days / number of posts (reposts excluded)',
    direction: 'desc',
  },
  reach_rate_24h_pct: {
    key: 'reach_rate_24h_pct',
    title_ru: 'Охват поста за 24 ч, % подписчиков (reach_rate_24h)',
    title_en: 'Post reach at 24 h, % of subscribers (reach_rate_24h)',
    formula_ru: 'средние просмотры поста в возрасте 24 ч / подписчики × 100',
    formula_en: 'average views per post at 24 h / subscribers × 100',
    direction: 'desc',
  },
  posts_per_week: {
    key: 'posts_per_week',
    title_ru: 'Публикаций в неделю',
    title_en: 'Posts per week',
    formula_ru: 'публикации за последние 28 дней / 4',
    formula_en: 'posts in the last 28 days / 4',
    direction: 'desc',
  },
} as const satisfies Record<string, IndicatorDefinition>;

export type IndicatorKey = keyof typeof INDICATORS;
export const INDICATOR_KEYS = Object.keys(INDICATORS) as [IndicatorKey, ...IndicatorKey[]];

/** Indicators that exist for a region row. */
export const REGION_INDICATORS = [
  'subscribers',
  'subscribers_per_1000',
  'subscribers_per_100',
  'channels',
  'channels_per_100k',
  'active_share',
  'complete_share',
  'growth_pct',
  'avg_views_24h',
  'avg_views_7d',
] as const satisfies readonly IndicatorKey[];

/** Indicators that exist for a channel row. */
export const CHANNEL_INDICATORS = [
  'subscribers',
  'growth_pct',
  'avg_views_24h',
  'avg_views_7d',
  'reach_rate_24h_pct',
  'posts_per_week',
] as const satisfies readonly IndicatorKey[];

/** Every region indicator value (null = missing data). Shares are fractions 0…1. */
export function regionIndicatorValues(
  m: RegionMetrics,
): Record<(typeof REGION_INDICATORS)[number], number | null> {
  return {
    subscribers: m.subscribers.sum,
    subscribers_per_1000: m.subscribers.per1000,
    subscribers_per_100: m.subscribers.per100,
    channels: m.channels.total,
    channels_per_100k: m.channels.per100k,
    active_share: m.active.share,
    complete_share: m.complete.share,
    growth_pct: m.growth.percent,
    avg_views_24h: m.views24h,
    avg_views_7d: m.views7d,
  };
}

/** Every channel indicator value; growth is the month change unless `growth` is given. */
export function channelIndicatorValues(
  m: ChannelMetrics,
  growth: 'day' | 'week' | 'month' | 'custom' = 'month',
): Record<(typeof CHANNEL_INDICATORS)[number], number | null> {
  return {
    subscribers: m.subscribers,
    growth_pct: m.change[growth]?.percent ?? null,
    avg_views_24h: m.views24h?.average ?? null,
    avg_views_7d: m.views7d?.average ?? null,
    reach_rate_24h_pct: m.reachRate24h?.percent ?? null,
    posts_per_week: m.postsPerWeek,
  };
}
