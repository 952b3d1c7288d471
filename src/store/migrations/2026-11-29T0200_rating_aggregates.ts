import { type Kysely, sql, type Transaction } from 'kysely';
import { fillPageComplete } from '../../analytics/page-completeness.repository.ts';
import { rebuildRegionActivity } from '../../analytics/region-activity.repository.ts';
import { createRowTrigger, dayEpochMsSql, differsSql, dropRowTrigger, type RowTrigger } from '../dialect.ts';
import type { DB } from '../schema.ts';

/**
 * Migrations see no schema type: they must not depend on the schema as it evolves later. (`freshFromSql` is
 * shared with the read model, hence the typed handles too.)
 */
type AnyDb = Kysely<unknown> | Kysely<DB> | Transaction<DB>;

/**
 * Aggregates that let a rating or a region page answer from a few hundred rows instead of every channel:
 *
 * - `region_daily` gains, per region × category × day: `fresh` / `fresh_subscribers` (rows whose value is
 *   usable at that day by the 14-day rule: observed at or after the start of day − 14), `ending` /
 *   `ending_subscribers` (channels whose series currently ends on that day — they still count for the 14
 *   following days) and `max_observed_at` (latest observation among the rows; recomputed for the group a channel
 *   leaves). Kept by the read-model upkeep (read-model.repository.ts) and by the triggers below.
 * - `region_channels`, per region × category: channels not removed, removed channels, and of the channels not
 *   removed those whose posting is known, whose page was checked, complete, or checked without a stored
 *   completeness. Kept by database triggers on `channels` and `channel_state`, whatever code writes them.
 * - `region_activity`, per region × category × day: channels whose posting is known with at least 3 posts a week
 *   (12 in the 28 days up to the day), kept when posts are written (region-activity.repository.ts); a region
 *   whose channels' posts are not all reflected there is marked in `region_channels.posting_stale`.
 * - `channel_state.page_complete`: page completeness (1/0) computed when the profile is written (it needs the
 *   description's phone/address patterns, so it cannot be computed in SQL); null = not computed yet.
 *
 * `channel_state` rows are removed only together with their channel (ON DELETE CASCADE): the channel's
 * BEFORE DELETE trigger takes its whole contribution away first.
 */

const FRESH_SECONDS = 14 * 86_400 + 3 * 3_600;

/** Start (epoch ms) of the oldest usable day of `day` (moscowDayStart(day − 14)). */
export function freshFromSql(db: AnyDb, day: string): string {
  return `(${dayEpochMsSql(db, day)} - ${FRESH_SECONDS * 1000})`;
}

const RC_COLUMNS = [
  'channels',
  'removed',
  'posting',
  'checked',
  'complete',
  'pages_unknown',
  'posting_stale',
];
const RC_UPSERT = `on conflict (region_code, category) do update set ${RC_COLUMNS.map((c) => `${c} = region_channels.${c} + excluded.${c}`).join(', ')}`;

/** A channel row's (`r` = new/old) whole contribution to region_channels, times `sign`. */
function channelContribution(r: string, sign: 1 | -1): string {
  const live = `${r}.status <> 'removed'`;
  return `insert into region_channels (region_code, category, ${RC_COLUMNS.join(', ')})
    select ${r}.region_code, ${r}.category,
      ${sign} * (case when ${live} then 1 else 0 end), ${sign} * (case when ${live} then 0 else 1 end),
      ${sign} * (case when ${live} and s.posts_checked_at is not null then 1 else 0 end),
      ${sign} * (case when ${live} and s.profile_checked_at is not null then 1 else 0 end),
      ${sign} * (case when ${live} and s.profile_checked_at is not null and s.page_complete = 1 then 1 else 0 end),
      ${sign} * (case when ${live} and s.profile_checked_at is not null and s.page_complete is null then 1 else 0 end), 0
    from (select 1 as one) x left join channel_state s on s.channel_id = ${r}.id
    where ${r}.region_code is not null ${RC_UPSERT};`;
}

/** A channel_state row's (`r` = new/old) contribution to its channel's region, times `sign`. */
function stateContribution(r: string, sign: 1 | -1): string {
  const checked = `${r}.profile_checked_at is not null`;
  return `insert into region_channels (region_code, category, ${RC_COLUMNS.join(', ')})
    select c.region_code, c.category, 0, 0,
      ${sign} * (case when ${r}.posts_checked_at is not null then 1 else 0 end),
      ${sign} * (case when ${checked} then 1 else 0 end),
      ${sign} * (case when ${checked} and ${r}.page_complete = 1 then 1 else 0 end),
      ${sign} * (case when ${checked} and ${r}.page_complete is null then 1 else 0 end), 0
    from channels c where c.id = ${r}.channel_id and c.region_code is not null and c.status <> 'removed'
    ${RC_UPSERT};`;
}

/**
 * Marks the region of channel row `r` (new/old) as having posts not reflected in region_activity (the
 * channel moved, was deleted, or its posting became known or unknown after its posts were stored): its
 * activity is then counted from the posts themselves.
 */
function postingStale(r: string, condition = 'true'): string {
  return `insert into region_channels (region_code, category, ${RC_COLUMNS.join(', ')})
    select ${r}.region_code, ${r}.category, 0, 0, 0, 0, 0, 0, 1 from (select 1 as one) x
    where ${r}.region_code is not null and ${condition}
      and exists (select 1 from posts p where p.channel_id = ${r}.id) ${RC_UPSERT};`;
}

/**
 * Recomputes max_observed_at of the group the channel row `r` (old) left, on the days it had rows, from the
 * group's other channels (through the channels' region/category index, one primary-key read per channel-day).
 */
function recomputeMax(r: string): string {
  return `update region_daily set max_observed_at = (
      select max(d.observed_at) from channels c join channel_daily d on d.channel_id = c.id and d.day = region_daily.day
      where c.region_code = ${r}.region_code and c.category = ${r}.category and c.id <> ${r}.id)
    where region_code = ${r}.region_code and category = ${r}.category
      and day in (select x.day from channel_daily x where x.channel_id = ${r}.id);`;
}

/** A channel's daily rows added to (+1) or taken from (−1) the region_daily group of `r` (new/old). */
function dailyContribution(db: AnyDb, r: string, sign: 1 | -1): string {
  const fresh = `(case when d.observed_at >= ${freshFromSql(db, 'd.day')} then 1 else 0 end)`;
  const ending = `(case when d.day = (select max(x.day) from channel_daily x where x.channel_id = ${r}.id) then 1 else 0 end)`;
  const max =
    sign === 1
      ? `case when region_daily.max_observed_at is null or excluded.max_observed_at > region_daily.max_observed_at
           then excluded.max_observed_at else region_daily.max_observed_at end`
      : 'region_daily.max_observed_at';
  return `insert into region_daily (region_code, category, day, channels, subscribers, fresh, fresh_subscribers,
      ending, ending_subscribers, max_observed_at)
    select ${r}.region_code, ${r}.category, d.day, ${sign}, ${sign} * d.subscribers, ${sign} * ${fresh},
      ${sign} * ${fresh} * d.subscribers, ${sign} * ${ending}, ${sign} * ${ending} * d.subscribers,
      ${sign === 1 ? 'd.observed_at' : 'null'}
    from channel_daily d where d.channel_id = ${r}.id and ${r}.region_code is not null
    on conflict (region_code, category, day) do update set channels = region_daily.channels + excluded.channels,
      subscribers = region_daily.subscribers + excluded.subscribers, fresh = region_daily.fresh + excluded.fresh,
      fresh_subscribers = region_daily.fresh_subscribers + excluded.fresh_subscribers,
      ending = region_daily.ending + excluded.ending,
      ending_subscribers = region_daily.ending_subscribers + excluded.ending_subscribers,
      max_observed_at = ${max};`;
}

function triggers(db: AnyDb): RowTrigger[] {
  const differs = (a: string, b: string) => differsSql(db, a, b);
  const moved = `${differs('old.region_code', 'new.region_code')} or old.category <> new.category`;
  return [
    {
      name: 'channels_agg_insert',
      timing: 'after insert',
      table: 'channels',
      when: 'new.region_code is not null',
      body: channelContribution('new', 1),
    },
    {
      name: 'channels_agg_delete',
      timing: 'before delete',
      table: 'channels',
      when: 'old.region_code is not null',
      body:
        channelContribution('old', -1) +
        dailyContribution(db, 'old', -1) +
        recomputeMax('old') +
        postingStale('old'),
    },
    {
      name: 'channels_agg_update',
      timing: 'after update',
      table: 'channels',
      when: `${moved} or old.status <> new.status`,
      body: channelContribution('old', -1) + channelContribution('new', 1),
    },
    {
      name: 'channels_agg_move',
      timing: 'after update',
      table: 'channels',
      when: moved,
      body:
        dailyContribution(db, 'old', -1) +
        recomputeMax('old') +
        dailyContribution(db, 'new', 1) +
        postingStale('old') +
        postingStale('new'),
    },
    {
      name: 'channel_state_agg_insert',
      timing: 'after insert',
      table: 'channel_state',
      when: 'true',
      body: stateContribution('new', 1),
    },
    {
      name: 'channel_state_agg_update',
      timing: 'after update',
      table: 'channel_state',
      when: `(old.posts_checked_at is null) <> (new.posts_checked_at is null)
        or (old.profile_checked_at is null) <> (new.profile_checked_at is null)
        or ${differs('old.page_complete', 'new.page_complete')}`,
      body:
        stateContribution('old', -1) +
        stateContribution('new', 1) +
        `insert into region_channels (region_code, category, ${RC_COLUMNS.join(', ')})
         select c.region_code, c.category, 0, 0, 0, 0, 0, 0, 1 from channels c
         where c.id = new.channel_id and c.region_code is not null
           and (old.posts_checked_at is null) <> (new.posts_checked_at is null)
           and exists (select 1 from posts p where p.channel_id = new.channel_id) ${RC_UPSERT};`,
    },
  ];
}

export async function up(db: AnyDb): Promise<void> {
  for (const column of ['fresh', 'fresh_subscribers', 'ending', 'ending_subscribers']) {
    await db.schema
      .alterTable('region_daily')
      .addColumn(column, column.endsWith('subscribers') ? 'bigint' : 'integer', (c) =>
        c.notNull().defaultTo(0),
      )
      .execute();
  }
  await db.schema.alterTable('region_daily').addColumn('max_observed_at', 'bigint').execute();
  // One category's rows of a day (dialog-2025 reads the government channels' groups) without a table scan.
  await db.schema.dropIndex('region_daily_day_idx').execute();
  await db.schema
    .createIndex('region_daily_day_idx')
    .on('region_daily')
    .columns(['day', 'category'])
    .execute();
  // Channels whose series ended (they count for 14 more days) are few: a partial index finds them.
  await sql.raw('create index region_daily_ending_idx on region_daily (day) where ending <> 0').execute(db);
  await db.schema.alterTable('channel_state').addColumn('page_complete', 'integer').execute();
  await db.schema
    .createTable('region_channels')
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .$call((t) => {
      let out = t;
      for (const c of RC_COLUMNS) out = out.addColumn(c, 'integer', (col) => col.notNull().defaultTo(0));
      return out;
    })
    .addPrimaryKeyConstraint('region_channels_pk', ['region_code', 'category'])
    .execute();

  // Channels at or above the default activity threshold per region × category × day (region-activity.repository.ts).
  await db.schema
    .createTable('region_activity')
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('region_activity_pk', ['region_code', 'category', 'day'])
    .execute();
  await db.schema.createIndex('region_activity_day_idx').on('region_activity').columns(['day']).execute();

  await fillPageComplete(db);
  await rebuildRegionActivity(db);
  // The daily aggregate rebuilt with its new columns, the channel counters from the register.
  await sql.raw('delete from region_daily').execute(db);
  await sql
    .raw(
      `insert into region_daily (region_code, category, day, channels, subscribers, fresh, fresh_subscribers,
         ending, ending_subscribers, max_observed_at)
       select c.region_code, c.category, d.day, count(*), sum(d.subscribers),
         sum(case when d.observed_at >= ${freshFromSql(db, 'd.day')} then 1 else 0 end),
         sum(case when d.observed_at >= ${freshFromSql(db, 'd.day')} then d.subscribers else 0 end),
         sum(case when d.day = l.last then 1 else 0 end), sum(case when d.day = l.last then d.subscribers else 0 end),
         max(d.observed_at)
       from channel_daily d join channels c on c.id = d.channel_id
         join (select channel_id, max(day) as last from channel_daily group by channel_id) l on l.channel_id = d.channel_id
       where c.region_code is not null group by c.region_code, c.category, d.day`,
    )
    .execute(db);
  await sql
    .raw(
      `insert into region_channels (region_code, category, ${RC_COLUMNS.join(', ')})
       select c.region_code, c.category,
         sum(case when c.status <> 'removed' then 1 else 0 end), sum(case when c.status = 'removed' then 1 else 0 end),
         sum(case when c.status <> 'removed' and s.posts_checked_at is not null then 1 else 0 end),
         sum(case when c.status <> 'removed' and s.profile_checked_at is not null then 1 else 0 end),
         sum(case when c.status <> 'removed' and s.profile_checked_at is not null and s.page_complete = 1 then 1 else 0 end),
         sum(case when c.status <> 'removed' and s.profile_checked_at is not null and s.page_complete is null then 1 else 0 end),
         0
       from channels c left join channel_state s on s.channel_id = c.id
       where c.region_code is not null group by c.region_code, c.category`,
    )
    .execute(db);
  for (const t of triggers(db)) await createRowTrigger(db, t);
}

export async function down(db: AnyDb): Promise<void> {
  for (const t of triggers(db)) await dropRowTrigger(db, t);
  await db.schema.dropTable('region_channels').ifExists().execute();
  await db.schema.dropTable('region_activity').ifExists().execute();
  await db.schema.dropIndex('region_daily_ending_idx').ifExists().execute();
  await db.schema.dropIndex('region_daily_day_idx').execute();
  await db.schema.createIndex('region_daily_day_idx').on('region_daily').columns(['day']).execute();
  await db.schema.alterTable('channel_state').dropColumn('page_complete').execute();
  for (const column of ['fresh', 'fresh_subscribers', 'ending', 'ending_subscribers', 'max_observed_at'])
    await db.schema.alterTable('region_daily').dropColumn(column).execute();
}
