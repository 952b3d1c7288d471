import { ValidationError } from '../shared/errors.ts';
import { addDays, addMonths, assertDay, type Day, MS_PER_DAY, moscowDayEnd } from './calendar.ts';
import { ratio, sum } from './stats.ts';

/**
 * Per-channel metrics from a daily series and a list of posts. Pure: the "as of" day is an input, and
 * every figure is the value at the end of a Moscow day (UTC+3).
 */

/**
 * One day of a channel's audience: the subscriber count at the end of the Moscow day. `carried` is true
 * when nothing was observed that day and the read model carried the last known value forward; null when
 * nothing is known yet (before the first observation).
 */
export interface DailyPoint {
  day: Day;
  subscribers: number | null;
  carried: boolean;
}

/** A post with its views at fixed ages (null when that age was not observed or not reached yet). */
export interface PostInput {
  /** Publication instant, epoch milliseconds. */
  publishedAt: number;
  isRepost: boolean;
  views24h: number | null;
  views7d: number | null;
  /** False for posts without text (photo/video only); undefined when unknown. */
  hasText?: boolean;
}

/** Change of a value between two days; every derived field is null when a side is missing. */
export interface Change {
  from: Day;
  to: Day;
  start: number | null;
  end: number | null;
  /** end − start. */
  absolute: number | null;
  /** (end − start) / start × 100; null when start is missing or 0. */
  percent: number | null;
}

/** Named periods: day = 1 day, week = 7 days, month = one calendar month back (clamped), or N days. */
export type Period = 'day' | 'week' | 'month' | { days: number };

/** Average views per post at a fixed age. */
export interface ViewsAtAge {
  age: '24h' | '7d';
  /** Mean views over the counted posts; null when no post qualifies. */
  average: number | null;
  /** Number of posts counted. */
  posts: number;
}

/** reach_rate_24h = average views per post at 24 h / subscribers at the as-of day. */
export interface ReachRate {
  fraction: number;
  percent: number;
}

/** The five elements of a complete page. */
export const PAGE_ELEMENTS = ['title', 'description', 'avatar', 'contacts', 'link'] as const;
export type PageElement = (typeof PAGE_ELEMENTS)[number];

/** What is known about a channel page. Blank strings count as absent. */
export interface PageProfile {
  title: string | null;
  description: string | null;
  hasAvatar: boolean;
  phone: string | null;
  address: string | null;
  /** Link to the organisation's website or Госуслуги page. */
  link: string | null;
}

export interface PageCompleteness {
  /** Elements present / 5, from 0 to 1. */
  score: number;
  complete: boolean;
  missing: PageElement[];
}

/** The point of `day`, if the series has it. */
export function pointAt(series: readonly DailyPoint[], day: Day): DailyPoint | undefined {
  return series.find((p) => p.day === day);
}

/** Subscribers at the end of `day` (a carried-forward value counts); null when unknown. */
export function subscribersAt(series: readonly DailyPoint[], day: Day): number | null {
  return pointAt(series, day)?.subscribers ?? null;
}

/** Builds a Change from two values. */
export function changeBetween(from: Day, to: Day, start: number | null, end: number | null): Change {
  const absolute = start === null || end === null ? null : end - start;
  const r = ratio(absolute, start);
  return { from, to, start, end, absolute, percent: r === null ? null : r * 100 };
}

/** Subscriber change from the end of `from` to the end of `to`. */
export function changeOf(series: readonly DailyPoint[], from: Day, to: Day): Change {
  return changeBetween(from, to, subscribersAt(series, from), subscribersAt(series, to));
}

/** The first day of a period ending at `asOf`: day → asOf−1, week → asOf−7, month → same date last month. */
export function periodStart(asOf: Day, period: Period): Day {
  if (period === 'day') return addDays(asOf, -1);
  if (period === 'week') return addDays(asOf, -7);
  if (period === 'month') return addMonths(asOf, -1);
  if (!Number.isInteger(period.days) || period.days < 1) {
    throw new ValidationError(`period: expected a positive whole number of days, got ${period.days}`);
  }
  return addDays(asOf, -period.days);
}

/** Subscriber change over a period ending at `asOf`. */
export function changeOver(series: readonly DailyPoint[], asOf: Day, period: Period): Change {
  return changeOf(series, periodStart(asOf, period), asOf);
}

/** Options of `postsPerWeek`. */
export interface PostsPerWeekOptions {
  /** Window length in days, ending with the as-of day (default 28 = 4 weeks). */
  windowDays?: number;
  /** Count reposts as posts (default true: a repost is a publication in the channel). */
  includeReposts?: boolean;
}

/**
 * Posts per week = posts published during the `windowDays` Moscow days ending with `asOf` (inclusive)
 * / (windowDays / 7). Default window 28 days, so the figure is "posts in the last 4 weeks / 4".
 */
export function postsPerWeek(
  posts: readonly PostInput[],
  asOf: Day,
  options: PostsPerWeekOptions = {},
): number {
  const windowDays = options.windowDays ?? 28;
  if (!Number.isInteger(windowDays) || windowDays < 1) {
    throw new ValidationError(
      `postsPerWeek: window must be a positive whole number of days, got ${windowDays}`,
    );
  }
  const includeReposts = options.includeReposts ?? true;
  const end = moscowDayEnd(asOf);
  const start = end - windowDays * MS_PER_DAY;
  const count = posts.filter(
    (p) => p.publishedAt >= start && p.publishedAt < end && (includeReposts || !p.isRepost),
  ).length;
  return count / (windowDays / 7);
}

/** Options of `averageViewsAtAge`. */
export interface ViewsOptions {
  /** Posts that reached the age during the last `windowDays` days count (default 30). */
  windowDays?: number;
  /** Leave out posts without text (default false; Медиалогия's scheme sets it). */
  excludeNonText?: boolean;
}

const AGE_MS = { '24h': MS_PER_DAY, '7d': 7 * MS_PER_DAY } as const;

/**
 * Average views per post at a fixed age (24 h or 7 days): mean of `views24h` (`views7d`) over the posts
 * that reached that age within the `windowDays` days ending at the end of `asOf` — i.e. published between
 * asOfEnd − age − window and asOfEnd − age. Reposts are always excluded (their views belong to the
 * original channel); posts whose views at that age were not observed are skipped.
 */
export function averageViewsAtAge(
  posts: readonly PostInput[],
  asOf: Day,
  age: '24h' | '7d',
  options: ViewsOptions = {},
): ViewsAtAge {
  const windowMs = (options.windowDays ?? 30) * MS_PER_DAY;
  const matured = moscowDayEnd(asOf) - AGE_MS[age];
  const views: number[] = [];
  for (const p of posts) {
    if (p.isRepost || (options.excludeNonText && p.hasText === false)) continue;
    if (p.publishedAt > matured || p.publishedAt <= matured - windowMs) continue;
    const v = age === '24h' ? p.views24h : p.views7d;
    if (v !== null) views.push(v);
  }
  return { age, average: views.length === 0 ? null : sum(views) / views.length, posts: views.length };
}

/**
 * reach_rate_24h = average views per post at 24 h / subscribers, as a fraction and as a percentage.
 * Close to TGStat's "ERR %" but not the same (TGStat uses reach over 30 days); null when either side is
 * missing or subscribers are 0.
 */
export function reachRate24h(averageViews24h: number | null, subscribers: number | null): ReachRate | null {
  const r = ratio(averageViews24h, subscribers);
  return r === null ? null : { fraction: r, percent: r * 100 };
}

function present(value: string | null): boolean {
  return value !== null && value.trim() !== '';
}

/**
 * Page completeness = elements present / 5. The elements: title, description, avatar, contacts (a phone
 * or an address), link. `complete` when all five are present.
 */
export function pageCompleteness(page: PageProfile): PageCompleteness {
  const has: Record<PageElement, boolean> = {
    title: present(page.title),
    description: present(page.description),
    avatar: page.hasAvatar,
    contacts: present(page.phone) || present(page.address),
    link: present(page.link),
  };
  const missing = PAGE_ELEMENTS.filter((e) => !has[e]);
  const score = (PAGE_ELEMENTS.length - missing.length) / PAGE_ELEMENTS.length;
  return { score, complete: missing.length === 0, missing };
}

/** Inputs of `channelMetrics`; `posts` and `page` are null when not collected. */
export interface ChannelMetricsInput {
  series: readonly DailyPoint[];
  posts: readonly PostInput[] | null;
  page: PageProfile | null;
}

export interface ChannelMetricsOptions {
  postsWindowDays?: number;
  viewsWindowDays?: number;
  /** Custom period for `change.custom`, e.g. { days: 30 }. */
  customPeriod?: Period;
}

/** Every per-channel figure at the end of `asOf`. */
export interface ChannelMetrics {
  asOf: Day;
  subscribers: number | null;
  /** True when the as-of value was carried forward (not observed that day). */
  carried: boolean;
  change: { day: Change; week: Change; month: Change; custom: Change | null };
  postsPerWeek: number | null;
  views24h: ViewsAtAge | null;
  views7d: ViewsAtAge | null;
  reachRate24h: ReachRate | null;
  completeness: PageCompleteness | null;
}

/** Computes every per-channel metric at `asOf`. */
export function channelMetrics(
  input: ChannelMetricsInput,
  asOf: Day,
  options: ChannelMetricsOptions = {},
): ChannelMetrics {
  assertDay(asOf, 'asOf');
  const point = pointAt(input.series, asOf);
  const subscribers = point?.subscribers ?? null;
  const views = { windowDays: options.viewsWindowDays ?? 30 };
  const views24h = input.posts ? averageViewsAtAge(input.posts, asOf, '24h', views) : null;
  return {
    asOf,
    subscribers,
    carried: point?.carried ?? false,
    change: {
      day: changeOver(input.series, asOf, 'day'),
      week: changeOver(input.series, asOf, 'week'),
      month: changeOver(input.series, asOf, 'month'),
      custom: options.customPeriod ? changeOver(input.series, asOf, options.customPeriod) : null,
    },
    postsPerWeek: input.posts
      ? postsPerWeek(input.posts, asOf, { windowDays: options.postsWindowDays ?? 28 })
      : null,
    views24h,
    views7d: input.posts ? averageViewsAtAge(input.posts, asOf, '7d', views) : null,
    reachRate24h: reachRate24h(views24h?.average ?? null, subscribers),
    completeness: input.page ? pageCompleteness(input.page) : null,
  };
}
