import type { Kysely } from 'kysely';
import { withIdColumn } from '../dialect.ts';

/** Migrations see no schema type: they must not depend on the schema as it evolves later. */
type AnyDb = Kysely<unknown>;

/**
 * Collection state and runs, and the daily read model kept up to date as observations arrive.
 */
export async function up(db: AnyDb): Promise<void> {
  // What the collector knows about each channel: when it is due, how the last attempts went, and the
  // channel's latest profile as MAX reports it (for page completeness).
  await db.schema
    .createTable('channel_state')
    .addColumn('channel_id', 'integer', (c) => c.primaryKey().references('channels.id').onDelete('cascade'))
    .addColumn('next_due_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_attempt_at', 'bigint')
    .addColumn('last_success_at', 'bigint')
    .addColumn('last_method', 'text')
    .addColumn('last_error_kind', 'text')
    .addColumn('last_error', 'text')
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bot_admin', 'integer')
    .addColumn('last_subscribers', 'integer')
    .addColumn('page_last_good', 'integer')
    .addColumn('page_last_good_at', 'bigint')
    .addColumn('page_failure', 'text')
    .addColumn('profile_title', 'text')
    .addColumn('profile_description', 'text')
    .addColumn('profile_icon_url', 'text')
    .addColumn('profile_is_public', 'integer')
    .addColumn('profile_link', 'text')
    .addColumn('profile_messages_count', 'integer')
    .addColumn('profile_last_event_time', 'bigint')
    .addColumn('profile_checked_at', 'bigint')
    .addColumn('posts_checked_at', 'bigint')
    .execute();
  await db.schema.createIndex('channel_state_due_idx').on('channel_state').columns(['next_due_at']).execute();

  await withIdColumn(db, db.schema.createTable('collection_runs'))
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('channels_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('channels_ok', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('channels_failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('requests', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rate_limited', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errors_by_kind', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('note', 'text')
    .execute();
  await db.schema
    .createIndex('collection_runs_started_idx')
    .on('collection_runs')
    .columns(['started_at'])
    .execute();

  // Daily read model: the value at the end of each Moscow day per channel; gaps between observed days are
  // filled with the previous value and marked carried = 1.
  await db.schema
    .createTable('channel_daily')
    .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('subscribers', 'integer', (c) => c.notNull())
    .addColumn('carried', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('observed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_daily_pk', ['channel_id', 'day'])
    .execute();
  await db.schema.createIndex('channel_daily_day_idx').on('channel_daily').columns(['day']).execute();

  // Region × category × day aggregate of channel_daily, kept incrementally: a rating or a region page reads
  // a few hundred rows of this, never the raw observations.
  await db.schema
    .createTable('region_daily')
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('channels', 'integer', (c) => c.notNull())
    .addColumn('subscribers', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('region_daily_pk', ['region_code', 'category', 'day'])
    .execute();
  await db.schema.createIndex('region_daily_day_idx').on('region_daily').columns(['day']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['region_daily', 'channel_daily', 'collection_runs', 'channel_state']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
