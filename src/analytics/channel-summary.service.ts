import type { Kysely } from 'kysely';
import { getChannelState } from '../collect/channel-state.repository.ts';
import { findChannel } from '../register/channel.repository.ts';
import { canonicalUrl } from '../register/nickname.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { DB } from '../store/schema.ts';
import { flagReviews, listFlags } from './anomaly-flag.repository.ts';
import { addDays, type Day, isDay, MS_PER_DAY, moscowDayEnd } from './calendar.ts';
import { channelMetrics, PAGE_ELEMENTS, pageCompleteness } from './metrics.ts';
import { postsWithViews } from './post-views.repository.ts';
import { pageProfiles, postsPerWeekAt } from './rating-inputs.repository.ts';
import { channelLastDay } from './series.repository.ts';

/**
 * One channel at a glance: its figures at a day (subscribers, changes over a day / week / month, posting,
 * views at 24 h and 7 days, reach), its page completeness with what is missing, its collection state and
 * its anomaly flags with their reviews.
 */

const SERIES_DAYS = 40;

export async function channelSummary(db: Kysely<DB>, id: number, options: { date?: Day } = {}) {
  const channel = await findChannel(db, id);
  if (!channel) throw new NotFoundError(`Канал ${id} не найден / channel ${id} not found`);
  const last = await channelLastDay(db, id);
  const asOf =
    options.date && isDay(options.date)
      ? options.date
      : (last ?? addDays(new Date().toISOString().slice(0, 10), -1));
  const [rows, state, pages, perWeek] = await Promise.all([
    db
      .selectFrom('channel_daily')
      .select(['day', 'subscribers', 'carried', 'observed_at'])
      .where('channel_id', '=', id)
      .where('day', '>=', addDays(asOf, -SERIES_DAYS))
      .where('day', '<=', asOf)
      .orderBy('day')
      .execute(),
    getChannelState(db, id),
    pageProfiles(db, [id]),
    postsPerWeekAt(db, asOf, [id]),
  ]);
  const postsKnown = perWeek.has(id);
  const posts = postsKnown
    ? ((await postsWithViews(db, [id], moscowDayEnd(asOf) - 38 * MS_PER_DAY, moscowDayEnd(asOf))).get(id) ??
      [])
    : null;
  const page = pages.get(id) ?? null;
  const metrics = channelMetrics(
    {
      series: rows.map((r) => ({ day: r.day, subscribers: r.subscribers, carried: r.carried === 1 })),
      posts,
      page,
    },
    asOf,
  );
  const atDay = rows.find((r) => r.day === asOf);
  const flags = await listFlags(db, { channel: [id] }, { limit: 200, offset: 0 });
  const reviews = await flagReviews(
    db,
    flags.items.map((f) => f.id),
  );
  const completeness = page ? pageCompleteness(page) : null;
  return {
    channel: {
      id: channel.id,
      platform: channel.platform,
      nickname: channel.nickname,
      url: channel.url ?? (channel.nickname ? canonicalUrl(channel.platform, channel.nickname) : null),
      title: channel.title,
      category: channel.category,
      region_code: channel.region_code,
      municipality: channel.municipality,
      page_class: channel.page_class,
      status: channel.status,
    },
    asOf,
    lastDataDay: last,
    inputsObservedUntil: atDay ? new Date(atDay.observed_at).toISOString() : null,
    metrics,
    page: {
      checked_at: state?.profile_checked_at ? new Date(state.profile_checked_at).toISOString() : null,
      title: state?.profile_title ?? null,
      description: state?.profile_description ?? null,
      icon_url: state?.profile_icon_url ?? null,
      link: state?.profile_link ?? null,
      is_public:
        state?.profile_is_public === null || state?.profile_is_public === undefined
          ? null
          : state.profile_is_public === 1,
      elements: PAGE_ELEMENTS.map((e) => ({
        element: e,
        present: completeness === null ? null : !completeness.missing.includes(e),
      })),
    },
    collection: {
      last_success_at: state?.last_success_at ? new Date(state.last_success_at).toISOString() : null,
      last_attempt_at: state?.last_attempt_at ? new Date(state.last_attempt_at).toISOString() : null,
      last_method: state?.last_method ?? null,
      last_error_kind: state?.last_error_kind ?? null,
      consecutive_failures: state?.consecutive_failures ?? 0,
      bot_admin: state?.bot_admin === null || state?.bot_admin === undefined ? null : state.bot_admin === 1,
      posts_collected: postsKnown,
    },
    flags: flags.items.map((f) => ({
      id: f.id,
      rule: f.rule,
      day: f.day,
      value: f.value,
      expected: f.expected,
      score: f.score,
      reason_ru: f.reason_ru,
      reason_en: f.reason_en,
      status: f.status,
      exclusion_mode: f.exclusion_mode,
      detected_at: f.detected_at,
      reviewed_at: f.reviewed_at,
      reviewed_by: f.reviewed_by,
      review_comment: f.review_comment,
      reviews: reviews.filter((r) => r.flag_id === f.id),
    })),
  };
}

export type ChannelSummary = Awaited<ReturnType<typeof channelSummary>>;
