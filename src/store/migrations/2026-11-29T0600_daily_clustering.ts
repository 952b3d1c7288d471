import { type Kysely, sql, type Transaction } from 'kysely';
import { dialectOf } from '../dialect.ts';
import type { DB } from '../schema.ts';

type AnyDb = Kysely<unknown> | Kysely<DB> | Transaction<DB>;

/**
 * Storage layout of the daily read model for ingest, where a collection cycle adds one day to every channel:
 *
 * - `region_daily`'s primary key becomes (day, category, region_code): one day's cells are neighbours, so a
 *   batch of observations updates a few pages instead of one page per region and category (and a rating,
 *   which reads one day, reads a contiguous range). The old (day, category) index is the key's prefix now.
 *   No per-region index: it would take one more page per region and batch (a fifth more pages written per
 *   batch), for the one reader of a region over a period (a region's forecast), which scans its days' rows.
 * - On SQLite both `channel_daily` and `region_daily` become WITHOUT ROWID tables, stored in their primary-key
 *   order: a write touches one b-tree instead of a rowid table plus the primary-key index.
 *
 * SQLite cannot change a table's key in place: the table is rebuilt (create, copy, drop, rename — SQLite's
 * documented procedure; `legacy_alter_table` keeps the rename from rewriting the triggers on `channels` that
 * name the table). On a large database this copies every daily row once.
 */

const CHANNEL_DAILY = `(
  channel_id integer not null references channels(id) on delete cascade,
  day date not null,
  subscribers integer not null,
  carried integer not null default 0,
  observed_at bigint not null,
  constraint channel_daily_pk primary key (channel_id, day))`;
const CHANNEL_DAILY_COLUMNS = 'channel_id, day, subscribers, carried, observed_at';

const REGION_DAILY_COLUMNS =
  'region_code, category, day, channels, subscribers, fresh, fresh_subscribers, ending, ending_subscribers, max_observed_at';
const regionDaily = (key: string) => `(
  region_code text not null,
  category text not null,
  day date not null,
  channels integer not null,
  subscribers bigint not null,
  fresh integer not null default 0,
  fresh_subscribers bigint not null default 0,
  ending integer not null default 0,
  ending_subscribers bigint not null default 0,
  max_observed_at bigint,
  constraint region_daily_pk primary key (${key}))`;

/** Rebuilds an SQLite table with a new definition, keeping its rows (indexes are created by the caller). */
async function rebuildSqliteTable(
  db: AnyDb,
  table: string,
  definition: string,
  columns: string,
  options: string,
): Promise<void> {
  await sql.raw(`create table ${table}_rebuilt ${definition} ${options}`).execute(db);
  await sql.raw(`insert into ${table}_rebuilt (${columns}) select ${columns} from ${table}`).execute(db);
  await sql.raw(`drop table ${table}`).execute(db);
  await sql.raw('pragma legacy_alter_table = on').execute(db);
  await sql.raw(`alter table ${table}_rebuilt rename to ${table}`).execute(db);
  await sql.raw('pragma legacy_alter_table = off').execute(db);
}

async function regionIndexes(db: AnyDb, dayFirst: boolean): Promise<void> {
  if (!dayFirst)
    await sql.raw('create index region_daily_day_idx on region_daily (day, category)').execute(db);
  await sql.raw('create index region_daily_ending_idx on region_daily (day) where ending <> 0').execute(db);
}

export async function up(db: AnyDb): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql.raw('alter table region_daily drop constraint region_daily_pk').execute(db);
    await sql
      .raw('alter table region_daily add constraint region_daily_pk primary key (day, category, region_code)')
      .execute(db);
    await sql.raw('drop index region_daily_day_idx').execute(db);
    return;
  }
  await rebuildSqliteTable(db, 'channel_daily', CHANNEL_DAILY, CHANNEL_DAILY_COLUMNS, 'without rowid');
  await sql.raw('create index channel_daily_day_idx on channel_daily (day)').execute(db);
  await rebuildSqliteTable(
    db,
    'region_daily',
    regionDaily('day, category, region_code'),
    REGION_DAILY_COLUMNS,
    'without rowid',
  );
  await regionIndexes(db, true);
}

export async function down(db: AnyDb): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql.raw('alter table region_daily drop constraint region_daily_pk').execute(db);
    await sql
      .raw('alter table region_daily add constraint region_daily_pk primary key (region_code, category, day)')
      .execute(db);
    await sql.raw('create index region_daily_day_idx on region_daily (day, category)').execute(db);
    return;
  }
  await rebuildSqliteTable(db, 'channel_daily', CHANNEL_DAILY, CHANNEL_DAILY_COLUMNS, '');
  await sql.raw('create index channel_daily_day_idx on channel_daily (day)').execute(db);
  await rebuildSqliteTable(
    db,
    'region_daily',
    regionDaily('region_code, category, day'),
    REGION_DAILY_COLUMNS,
    '',
  );
  await regionIndexes(db, false);
}
