import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../store/schema.ts';
import { addDays, type Day, moscowDayStart } from './calendar.ts';
import { type PageProfile, pageCompleteness } from './metrics.ts';
import type { RegionChannelFacts } from './region-metrics.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Reads what ratings need from the daily read model (never the raw observations): each channel's value at
 * the end of a day — the latest daily row on or before that day within `STALE_DAYS` (an older value counts as
 * missing) — its posts of the last 28 days and its page profile.
 */

export const STALE_DAYS = 14;

export interface ChannelRow {
  id: number;
  title: string | null;
  nickname: string | null;
  category: string;
  region_code: string | null;
  municipality: string | null;
}

export async function activeChannels(
  db: Db,
  filter: { category?: string; region?: string } = {},
): Promise<ChannelRow[]> {
  let q = db
    .selectFrom('channels')
    .select(['id', 'title', 'nickname', 'category', 'region_code', 'municipality'])
    .where('status', '!=', 'removed');
  if (filter.category) q = q.where('category', '=', filter.category);
  if (filter.region) q = q.where('region_code', '=', filter.region);
  return q.orderBy('id').execute();
}

/** channel id → subscribers at the end of `day` (latest daily value within STALE_DAYS before it). */
export async function valuesAt(db: Db, channelIds: number[] | 'all', day: Day): Promise<Map<number, number>> {
  const from = addDays(day, -STALE_DAYS);
  const values = new Map<number, { day: string; subscribers: number }>();
  const read = async (ids: number[] | null) => {
    let q = db
      .selectFrom('channel_daily')
      .select(['channel_id', 'day', 'subscribers'])
      .where('day', '>=', from)
      .where('day', '<=', day);
    if (ids) q = q.where('channel_id', 'in', ids);
    for (const r of await q.execute()) {
      const current = values.get(r.channel_id);
      if (!current || r.day > current.day)
        values.set(r.channel_id, { day: r.day, subscribers: r.subscribers });
    }
  };
  if (channelIds === 'all') await read(null);
  else for (let i = 0; i < channelIds.length; i += 1000) await read(channelIds.slice(i, i + 1000));
  return new Map([...values].map(([id, v]) => [id, v.subscribers]));
}

/** channel id → posts per week over the 28 days up to `day`, for channels whose posts are collected. */
export async function postsPerWeekAt(db: Db, day: Day): Promise<Map<number, number>> {
  const end = moscowDayStart(addDays(day, 1));
  const start = moscowDayStart(addDays(day, -27));
  const [counts, collected] = await Promise.all([
    db
      .selectFrom('posts')
      .select(['channel_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('published_at', '>=', start)
      .where('published_at', '<', end)
      .groupBy('channel_id')
      .execute(),
    db.selectFrom('channel_state').select('channel_id').where('posts_checked_at', 'is not', null).execute(),
  ]);
  const result = new Map<number, number>(collected.map((c) => [c.channel_id, 0]));
  for (const c of counts) result.set(c.channel_id, Number(c.n) / 4);
  return result;
}

const PHONE = /(\+7|8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}/;
const ADDRESS = /(ул\.|улица|просп|пр-т|пер\.|переулок|шоссе|площадь|пл\.|д\.\s*\d)/i;

/** The page as MAX last reported it; phone and address are read from the description. */
export async function pageProfiles(db: Db): Promise<Map<number, PageProfile>> {
  const rows = await db
    .selectFrom('channel_state')
    .select([
      'channel_id',
      'profile_title',
      'profile_description',
      'profile_icon_url',
      'profile_link',
      'profile_checked_at',
    ])
    .where('profile_checked_at', 'is not', null)
    .execute();
  return new Map(
    rows.map((r) => [
      r.channel_id,
      {
        title: r.profile_title,
        description: r.profile_description,
        hasAvatar: Boolean(r.profile_icon_url),
        phone: r.profile_description && PHONE.test(r.profile_description) ? 'yes' : null,
        address: r.profile_description && ADDRESS.test(r.profile_description) ? 'yes' : null,
        link: r.profile_link,
      },
    ]),
  );
}

/** Facts of every channel of every region for region metrics at `asOf` with growth since `periodStart`. */
export async function regionChannelFacts(
  db: Db,
  asOf: Day,
  periodStart: Day,
): Promise<Map<string, RegionChannelFacts[]>> {
  const channels = await activeChannels(db);
  const [now, start, posts, pages] = await Promise.all([
    valuesAt(db, 'all', asOf),
    valuesAt(db, 'all', periodStart),
    postsPerWeekAt(db, asOf),
    pageProfiles(db),
  ]);
  const byRegion = new Map<string, RegionChannelFacts[]>();
  for (const c of channels) {
    if (!c.region_code) continue;
    const page = pages.get(c.id);
    const list = byRegion.get(c.region_code) ?? [];
    list.push({
      id: String(c.id),
      category: c.category,
      subscribers: now.get(c.id) ?? null,
      subscribersAtStart: start.get(c.id) ?? null,
      postsPerWeek: posts.get(c.id) ?? null,
      pageComplete: page ? pageCompleteness(page).complete : null,
    });
    byRegion.set(c.region_code, list);
  }
  return byRegion;
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
