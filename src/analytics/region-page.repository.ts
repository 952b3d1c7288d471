import { type Kysely, sql } from 'kysely';
import type { DB } from '../store/schema.ts';
import { addDays, type Day, moscowDayStart } from './calendar.ts';
import { oldestUsable, STALE_DAYS } from './daily-values.repository.ts';
import type { ChannelRow } from './rating-inputs.repository.ts';

/**
 * What a region page needs about the region's channels, added up by the database in one statement: the
 * channels' facts (values at the day and at the start of the growth period by the 14-day rule, posts in the
 * 28 and 7 days up to the day, page completeness) are gathered once per channel and answered as counters per
 * municipality × category, channels per page class and the first rows of the laggard lists — a few hundred
 * rows instead of one per channel. Channels given in `exclude` (those whose values must be corrected first,
 * e.g. confirmed anomaly flags) are left out, for the caller to add channel by channel. Channels whose page
 * was checked but whose completeness is not stored yet are listed (`kind` 'page') with their profile.
 */

/** Counters of the region's channels of one municipality (as stored) and category. */
export interface RegionPageGroup {
  municipality: string | null;
  category: string;
  channels: number;
  /** Channels with a value at the day, and Σ of those values. */
  known: number;
  subscribers: number;
  /** Channels with values at both ends of the growth period, Σ at the start and Σ at the end. */
  pairs: number;
  pairStart: number;
  pairEnd: number;
  /** Channels whose posting is known; of those at or above the threshold over 28 days, and below it. */
  posting: number;
  active: number;
  inactive: number;
  /** Channels whose posting is known with at least `threshold` posts in the last 7 days. */
  weekActive: number;
  /** Pages checked with a stored completeness; complete and incomplete ones. */
  checked: number;
  complete: number;
  incomplete: number;
  /** Channels with fewer subscribers at the day than at the start. */
  falling: number;
}

export interface RegionPageChannel {
  id: number;
  title: string | null;
  nickname: string | null;
  category: string;
  municipality: string | null;
}

export interface RegionPageRows {
  groups: RegionPageGroup[];
  /** page class (null when not set) → channels, with the smallest id of the class (the order of first sight). */
  pageClasses: { pageClass: string | null; channels: number; firstId: number }[];
  /** The first `limit` channels below the activity threshold, by posts in 28 days then id. */
  inactive: (RegionPageChannel & { posts: number })[];
  /** The first `limit` incomplete pages by id, with their profiles. */
  incomplete: (RegionPageChannel & Profile)[];
  /** The first `limit` falling channels by change in percent, then id. */
  falling: (RegionPageChannel & { start: number; end: number })[];
  /** Pages checked without a stored completeness (computed by the caller from the profile). */
  unclassified: (RegionPageChannel & Profile)[];
}

interface Profile {
  profile_title: string | null;
  profile_description: string | null;
  profile_icon_url: string | null;
  profile_link: string | null;
}

interface Row extends Profile {
  kind: 'group' | 'class' | 'inactive' | 'incomplete' | 'falling' | 'page';
  id: number | null;
  title: string | null;
  nickname: string | null;
  municipality: string | null;
  category: string | null;
  page_class: string | null;
  channels: number | string | null;
  known: number | string | null;
  subscribers: number | string | null;
  pairs: number | string | null;
  pair_start: number | string | null;
  pair_end: number | string | null;
  posting: number | string | null;
  active: number | string | null;
  inactive: number | string | null;
  week_active: number | string | null;
  checked: number | string | null;
  complete: number | string | null;
  incomplete: number | string | null;
  falling: number | string | null;
}

const nulls = (n: number) => sql.raw(Array.from({ length: n }, () => 'null').join(', '));
const num = (v: number | string | null) => (v === null ? 0 : Number(v));

/** The latest usable value of channel `c` at `day` (14-day rule), as a scalar subquery. */
function valueAt(day: Day) {
  return sql`(select d.subscribers from channel_daily d where d.channel_id = c.id
    and d.day >= ${addDays(day, -STALE_DAYS)} and d.day <= ${day} and d.observed_at >= ${oldestUsable(day)}
    order by d.day desc limit 1)`;
}

function postsSince(from: number, end: number) {
  return sql`(select count(*) from posts p where p.channel_id = c.id and p.published_at >= ${from}
    and p.published_at < ${end})`;
}

export async function regionPageRows(
  db: Kysely<DB>,
  options: {
    region: string;
    date: Day;
    periodStart: Day;
    activeThreshold: number;
    limit: number;
    exclude: readonly number[];
  },
): Promise<RegionPageRows> {
  const { date, limit } = options;
  const end = moscowDayStart(addDays(date, 1));
  const threshold = sql`cast(${options.activeThreshold} as double precision)`;
  const perWeek = sql`cast(${options.activeThreshold * 4} as double precision)`;
  const excluded =
    options.exclude.length === 0
      ? sql``
      : sql`and c.id not in (${sql.join(options.exclude.map((id) => sql`${id}`))})`;
  const profile = sql`profile_title, profile_description, profile_icon_url, profile_link`;
  // Rows of every kind share the columns of a group row: kind, the channel (list rows), municipality, category,
  // page class, 14 counters (a list row carries its posts in 'posting', its values in 'pair_start' / 'pair_end')
  // and the profile (pages).
  const ref = sql`id, title, nickname, municipality, category, page_class`;
  const { rows } = await sql<Row>`
    with f as materialized (
      select c.id, c.title, c.nickname, c.municipality, c.category, c.page_class,
        ${valueAt(date)} as e, ${valueAt(options.periodStart)} as s,
        case when st.posts_checked_at is not null then ${postsSince(moscowDayStart(addDays(date, -27)), end)} end as p28,
        case when st.posts_checked_at is not null then ${postsSince(moscowDayStart(addDays(date, -6)), end)} end as p7,
        case when st.profile_checked_at is not null then st.page_complete end as page,
        st.profile_checked_at is not null and st.page_complete is null as unclassified,
        st.profile_title, st.profile_description, st.profile_icon_url, st.profile_link
      from channels c left join channel_state st on st.channel_id = c.id
      where c.region_code = ${options.region} and c.status <> 'removed' ${excluded}
    )
    select 'group' as kind, cast(null as integer) as id, cast(null as text) as title,
      cast(null as text) as nickname, municipality, category, cast(null as text) as page_class,
      count(*) as channels, count(e) as known, sum(e) as subscribers,
      count(case when s is not null then e end) as pairs, sum(case when e is not null then s end) as pair_start,
      sum(case when s is not null then e end) as pair_end,
      count(p28) as posting, count(case when p28 >= ${perWeek} then 1 end) as active,
      count(case when p28 < ${perWeek} then 1 end) as inactive,
      count(case when p7 >= ${threshold} then 1 end) as week_active,
      count(page) as checked, count(case when page = 1 then 1 end) as complete,
      count(case when page = 0 then 1 end) as incomplete, count(case when e < s then 1 end) as falling,
      cast(null as text) as profile_title, cast(null as text) as profile_description,
      cast(null as text) as profile_icon_url, cast(null as text) as profile_link
    from f group by municipality, category
    union all
    select 'class', min(id), null, null, null, null, page_class, count(*), ${nulls(13)}, ${nulls(4)}
    from f group by page_class
    union all
    select 'inactive', ${ref}, ${nulls(6)}, p28, ${nulls(7)}, ${nulls(4)}
    from (select * from f where p28 < ${perWeek} order by p28, id limit ${limit}) x
    union all
    select 'falling', ${ref}, ${nulls(4)}, s, e, ${nulls(8)}, ${nulls(4)}
    from (select * from f where e < s
      order by case when s = 0 then 0 else (cast(e - s as double precision) / s) * 100 end, id limit ${limit}) x
    union all
    select 'incomplete', ${ref}, ${nulls(14)}, ${profile}
    from (select * from f where page = 0 order by id limit ${limit}) x
    union all
    select 'page', ${ref}, ${nulls(14)}, ${profile}
    from f where unclassified`.execute(db);

  const out: RegionPageRows = {
    groups: [],
    pageClasses: [],
    inactive: [],
    incomplete: [],
    falling: [],
    unclassified: [],
  };
  for (const r of rows) {
    const channel = (): RegionPageChannel => ({
      id: Number(r.id),
      title: r.title,
      nickname: r.nickname,
      category: r.category!,
      municipality: r.municipality,
    });
    const profileOf = (): Profile => ({
      profile_title: r.profile_title,
      profile_description: r.profile_description,
      profile_icon_url: r.profile_icon_url,
      profile_link: r.profile_link,
    });
    switch (r.kind) {
      case 'group':
        out.groups.push({
          municipality: r.municipality,
          category: r.category!,
          channels: num(r.channels),
          known: num(r.known),
          subscribers: num(r.subscribers),
          pairs: num(r.pairs),
          pairStart: num(r.pair_start),
          pairEnd: num(r.pair_end),
          posting: num(r.posting),
          active: num(r.active),
          inactive: num(r.inactive),
          weekActive: num(r.week_active),
          checked: num(r.checked),
          complete: num(r.complete),
          incomplete: num(r.incomplete),
          falling: num(r.falling),
        });
        break;
      case 'class':
        out.pageClasses.push({ pageClass: r.page_class, channels: num(r.channels), firstId: num(r.id) });
        break;
      case 'inactive':
        out.inactive.push({ ...channel(), posts: num(r.posting) });
        break;
      case 'falling':
        out.falling.push({ ...channel(), start: num(r.pair_start), end: num(r.pair_end) });
        break;
      case 'incomplete':
        out.incomplete.push({ ...channel(), ...profileOf() });
        break;
      case 'page':
        out.unclassified.push({ ...channel(), ...profileOf() });
        break;
    }
  }
  return out;
}

/** Channels of `ids` that belong to the region and are not removed (register rows, by id). */
export async function regionChannelRows(
  db: Kysely<DB>,
  region: string,
  ids: readonly number[],
): Promise<ChannelRow[]> {
  if (ids.length === 0) return [];
  const out: ChannelRow[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    out.push(
      ...(await db
        .selectFrom('channels')
        .select(['id', 'title', 'nickname', 'category', 'region_code', 'municipality', 'page_class'])
        .where('status', '!=', 'removed')
        .where('region_code', '=', region)
        .where('id', 'in', ids.slice(i, i + 1000))
        .orderBy('id')
        .execute()),
    );
  }
  return out;
}
