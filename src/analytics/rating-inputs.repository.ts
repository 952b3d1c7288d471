import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../store/schema.ts';
import { addDays, type Day, moscowDayStart } from './calendar.ts';
import type { DayValue } from './daily-values.repository.ts';
import { type PageProfile, pageCompleteness } from './metrics.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Reads what ratings and summaries need about channels from the register and the read model (never the raw
 * observations): the channels in a scope, their posting activity over 28 days and their page profiles.
 * Channel values come from a `ValueSource` (daily-values.repository.ts).
 */

export interface ChannelRow {
  id: number;
  title: string | null;
  nickname: string | null;
  category: string;
  region_code: string | null;
  municipality: string | null;
  page_class: string | null;
}

/** Channels of the register that are not removed, optionally of one category / region / municipality. */
export async function activeChannels(
  db: Db,
  filter: { category?: string | null; region?: string | null } = {},
): Promise<ChannelRow[]> {
  let q = db
    .selectFrom('channels')
    .select(['id', 'title', 'nickname', 'category', 'region_code', 'municipality', 'page_class'])
    .where('status', '!=', 'removed');
  if (filter.category) q = q.where('category', '=', filter.category);
  if (filter.region) q = q.where('region_code', '=', filter.region);
  return q.orderBy('id').execute();
}

/**
 * Runs `query` for the ids in lists of 1,000 (or once for everything when there are no ids or very many:
 * then reading the whole table is cheaper than long id lists).
 */
async function byIds<R>(
  ids: readonly number[] | undefined,
  query: (ids: number[] | null) => Promise<R[]>,
): Promise<R[]> {
  if (!ids || ids.length >= 50_000) return query(null);
  const out: R[] = [];
  for (let i = 0; i < ids.length; i += 1000) out.push(...(await query(ids.slice(i, i + 1000))));
  return out;
}

/**
 * channel id → posts in the 28 days ending with `day` (inclusive), for channels whose posts are collected
 * (the bot is an administrator); other channels are absent (their activity is unknown). `window` = 7 gives
 * the posts of the last week.
 */
export async function postCountsAt(
  db: Db,
  day: Day,
  channelIds?: readonly number[],
  window = 28,
): Promise<Map<number, number>> {
  const end = moscowDayStart(addDays(day, 1));
  const start = moscowDayStart(addDays(day, 1 - window));
  if (channelIds && channelIds.length === 0) return new Map();
  const [rows, known] = await Promise.all([
    byIds(channelIds, (ids) => {
      let q = db
        .selectFrom('posts')
        .select(['channel_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('published_at', '>=', start)
        .where('published_at', '<', end)
        .groupBy('channel_id');
      if (ids) q = q.where('channel_id', 'in', ids);
      return q.execute();
    }),
    byIds(channelIds, (ids) => {
      let q = db.selectFrom('channel_state').select('channel_id').where('posts_checked_at', 'is not', null);
      if (ids) q = q.where('channel_id', 'in', ids);
      return q.execute();
    }),
  ]);
  const result = new Map<number, number>(known.map((c) => [c.channel_id, 0]));
  for (const c of rows) if (result.has(c.channel_id)) result.set(c.channel_id, Number(c.n));
  return result;
}

/** channel id → posts per week over the 28 days up to `day` (posts / 4). */
export async function postsPerWeekAt(
  db: Db,
  day: Day,
  channelIds?: readonly number[],
): Promise<Map<number, number>> {
  const counts = await postCountsAt(db, day, channelIds, 28);
  return new Map([...counts].map(([id, n]) => [id, n / 4]));
}

const PHONE = /(\+7|8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}/;
const ADDRESS = /(ул\.|улица|просп|пр-т|пер\.|переулок|шоссе|площадь|пл\.|д\.\s*\d)/i;

interface ProfileRow {
  profile_title: string | null;
  profile_description: string | null;
  profile_icon_url: string | null;
  profile_link: string | null;
}

/** The page as MAX last reported it; phone and address are read from the description. */
export function profileOf(r: ProfileRow): PageProfile {
  return {
    title: r.profile_title,
    description: r.profile_description,
    hasAvatar: Boolean(r.profile_icon_url),
    phone: r.profile_description && PHONE.test(r.profile_description) ? 'yes' : null,
    address: r.profile_description && ADDRESS.test(r.profile_description) ? 'yes' : null,
    link: r.profile_link,
  };
}

/** Checked pages of the channels (all checked pages when the list is long). */
export async function pageProfiles(
  db: Db,
  channelIds?: readonly number[],
): Promise<Map<number, PageProfile>> {
  if (channelIds && channelIds.length === 0) return new Map();
  const rows = await byIds(channelIds, (ids) => {
    let q = db
      .selectFrom('channel_state')
      .select(['channel_id', 'profile_title', 'profile_description', 'profile_icon_url', 'profile_link'])
      .where('profile_checked_at', 'is not', null);
    if (ids) q = q.where('channel_id', 'in', ids);
    return q.execute();
  });
  return new Map(rows.map((r) => [r.channel_id, profileOf(r)]));
}

/** What ratings and summaries know about one channel at a day. */
export interface ChannelFacts extends ChannelRow {
  value: DayValue | null;
  /** Value at the start of the growth period. */
  start: DayValue | null;
  postsPerWeek: number | null;
  page: PageProfile | null;
  pageComplete: boolean | null;
}

/** Joins channels with their values at two days, posting activity and page completeness. */
export async function channelFacts(
  db: Db,
  channels: readonly ChannelRow[],
  values: Map<number, DayValue>,
  startValues: Map<number, DayValue>,
  day: Day,
): Promise<ChannelFacts[]> {
  const ids = channels.map((c) => c.id);
  const [posts, pages] = await Promise.all([postsPerWeekAt(db, day, ids), pageProfiles(db, ids)]);
  // Fields copied one by one: spreading driver rows (dictionary-mode objects) costs microseconds each.
  return channels.map((c) => {
    const page = pages.get(c.id) ?? null;
    return {
      id: c.id,
      title: c.title,
      nickname: c.nickname,
      category: c.category,
      region_code: c.region_code,
      municipality: c.municipality,
      page_class: c.page_class,
      value: values.get(c.id) ?? null,
      start: startValues.get(c.id) ?? null,
      postsPerWeek: posts.get(c.id) ?? null,
      page,
      pageComplete: page ? pageCompleteness(page).complete : null,
    };
  });
}

/** The latest day with data in the read model, not after `notAfter`. */
export async function latestDataDay(db: Db, notAfter: Day): Promise<Day | null> {
  const row = await db
    .selectFrom('region_daily')
    .select((eb) => eb.fn.max('day').as('day'))
    .where('day', '<=', notAfter)
    .executeTakeFirst();
  return (row?.day as Day | null | undefined) ?? null;
}

/** channel id → the first day with a value on or after `from` (for channels observed only recently). */
export async function firstValueDays(
  db: Db,
  channelIds: readonly number[],
  from: Day,
): Promise<Map<number, Day>> {
  const result = new Map<number, Day>();
  for (let i = 0; i < channelIds.length; i += 1000) {
    const rows = await db
      .selectFrom('channel_daily')
      .select(['channel_id', (eb) => eb.fn.min('day').as('first')])
      .where('channel_id', 'in', channelIds.slice(i, i + 1000))
      .where('day', '>=', from)
      .groupBy('channel_id')
      .execute();
    for (const r of rows) result.set(r.channel_id, String(r.first));
  }
  return result;
}
