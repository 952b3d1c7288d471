import { z } from 'zod';
import { addDays, type Day, diffDays, MS_PER_DAY, moscowDayEnd } from '../calendar.ts';
import { formatNumber } from '../format.ts';
import type { Methodology, RatingFlag, RatingInputs } from '../methodology.ts';
import { averageViewsAtAge, type PostInput } from '../metrics.ts';
import { assertPreset, indicatorSpec, parseParams } from './common.ts';

/**
 * `views-per-post` — the scheme Медиалогия uses for state channels: average views per post, leaving out
 * channels that publish fewer than 120 posts a year (scaled to the observed period), reposts and
 * (by default) posts without text.
 */

export const VIEWS_PER_POST_ID = 'views-per-post';

export const viewsPerPostParametersSchema = z.object({
  scope: z.enum(['channels', 'regions']).default('channels'),
  /** Age at which views are taken. */
  age: z.enum(['7d', '24h']).default('7d'),
  /** Minimum own posts a year; scaled to the period: ⌈minPostsPerYear × days / 365⌉. */
  minPostsPerYear: z.number().int().nonnegative().default(120),
  /** Period in days ending with the as-of day (shortened to the observed part for new channels). */
  periodDays: z.number().int().positive().max(366).default(30),
  excludeNonText: z.boolean().default(true),
  ties: z.enum(['competition', 'dense']).default('competition'),
});

export type ViewsPerPostParameters = z.output<typeof viewsPerPostParametersSchema>;

/** Builds the `views-per-post` methodology. */
export function viewsPerPostMethodology(
  params: z.input<typeof viewsPerPostParametersSchema> = {},
): Methodology {
  const p = parseParams(viewsPerPostParametersSchema, params, VIEWS_PER_POST_ID);
  const key = p.age === '7d' ? 'avg_views_7d' : 'avg_views_24h';
  const pooled = p.scope === 'regions';
  return {
    id: VIEWS_PER_POST_ID,
    version: '1.0.0',
    title_ru: 'Средние просмотры поста (по схеме «Медиалогии»)',
    title_en: 'Average views per post (after Medialogia)',
    description_ru:
      `Средние просмотры поста в возрасте ${p.age === '7d' ? '7 дней' : '24 часов'} за ${p.periodDays} дн. ` +
      `Не учитываются репосты${p.excludeNonText ? ' и посты без текста' : ''}; каналы, опубликовавшие меньше ` +
      `${p.minPostsPerYear} постов в год (пропорционально периоду), в рейтинг не входят.` +
      (pooled ? ' Для региона: Σ просмотров / Σ постов всех прошедших порог каналов.' : ''),
    description_en:
      `Average views per post at the age of ${p.age === '7d' ? '7 days' : '24 hours'} over ${p.periodDays} days. ` +
      `Reposts${p.excludeNonText ? ' and posts without text' : ''} are left out; channels with fewer than ` +
      `${p.minPostsPerYear} posts a year (pro rata for the period) are not ranked.` +
      (pooled ? ' For a region: Σ views / Σ posts over its channels that pass the threshold.' : ''),
    scope: p.scope,
    indicators: [indicatorSpec(key, 1)],
    combination: 'single',
    parameters: p,
    unknowns_ru: [
      '«Медиалогия» не публикует, как именно учитываются посты без текста и каналы, созданные в течение года.',
    ],
    unknowns_en: [
      'Medialogia does not publish how posts without text and channels created during the year are treated.',
    ],
  };
}

/** A channel with its posts in (at least) the period and the first day it was observed. */
export interface ViewsChannel {
  key: string;
  name: string;
  regionCode: string | null;
  /** First day the channel was observed (or created); the period is cut to start no earlier. */
  observedFrom: Day;
  posts: readonly PostInput[];
  flags?: RatingFlag[];
}

interface ChannelViews {
  channel: ViewsChannel;
  average: number | null;
  counted: number;
  exclusion: RatingFlag | null;
}

function evaluate(channel: ViewsChannel, asOf: Day, p: ViewsPerPostParameters): ChannelViews {
  const observed = Math.max(1, diffDays(channel.observedFrom, asOf) + 1);
  const days = Math.min(p.periodDays, observed);
  const end = moscowDayEnd(asOf);
  const start = end - days * MS_PER_DAY;
  const own = channel.posts.filter(
    (x) =>
      !x.isRepost &&
      !(p.excludeNonText && x.hasText === false) &&
      x.publishedAt >= start &&
      x.publishedAt < end,
  );
  const required = Math.ceil((p.minPostsPerYear * days) / 365);
  const views = averageViewsAtAge(channel.posts, asOf, p.age, {
    windowDays: days,
    excludeNonText: p.excludeNonText,
  });
  const exclusion: RatingFlag | null =
    own.length < required
      ? {
          code: 'excluded:few_posts',
          reason_ru:
            `${formatNumber(own.length, 'ru')} публикаций с ${addDays(asOf, 1 - days)} по ${asOf} при пороге ` +
            `${formatNumber(required, 'ru')} (${p.minPostsPerYear} в год) — не участвует в рейтинге`,
          reason_en:
            `${own.length} posts from ${addDays(asOf, 1 - days)} to ${asOf}, below the threshold of ${required} ` +
            `(${p.minPostsPerYear} a year) — not ranked`,
        }
      : null;
  return { channel, average: views.average, counted: views.posts, exclusion };
}

/**
 * Rating inputs. Channels scope: one row per channel, value = its average views. Regions scope: one row
 * per region in `regions`, value = Σ(average × posts) / Σ posts over its channels that pass the threshold;
 * a region with no such channel is listed unranked.
 */
export function viewsPerPostInputs(
  methodology: Methodology,
  asOf: Day,
  channels: readonly ViewsChannel[],
  regions: readonly { code: string; name: string }[] = [],
): RatingInputs {
  assertPreset(methodology, VIEWS_PER_POST_ID);
  const p = parseParams(viewsPerPostParametersSchema, methodology.parameters, VIEWS_PER_POST_ID);
  const key = p.age === '7d' ? 'avg_views_7d' : 'avg_views_24h';
  const evaluated = channels.map((c) => evaluate(c, asOf, p));
  if (p.scope === 'channels') {
    return {
      asOf,
      items: evaluated.map((e) => ({
        key: e.channel.key,
        name: e.channel.name,
        values: { [key]: e.average },
        flags: e.channel.flags ?? [],
        exclusion: e.exclusion,
      })),
    };
  }
  return {
    asOf,
    items: regions.map((r) => {
      const mine = evaluated.filter((e) => e.channel.regionCode === r.code);
      const eligible = mine.filter((e) => e.exclusion === null && e.average !== null && e.counted > 0);
      const posts = eligible.reduce((s, e) => s + e.counted, 0);
      const views = eligible.reduce((s, e) => s + (e.average ?? 0) * e.counted, 0);
      const exclusion: RatingFlag | null =
        eligible.length === 0
          ? {
              code: 'excluded:no_eligible_channels',
              reason_ru: `Нет каналов, прошедших порог публикаций (${mine.length} в регионе)`,
              reason_en: `No channel passes the posting threshold (${mine.length} in the region)`,
            }
          : null;
      return {
        key: r.code,
        name: r.name,
        values: { [key]: posts === 0 ? null : views / posts },
        flags: mine.flatMap((e) => e.channel.flags ?? []),
        exclusion,
      };
    }),
  };
}
