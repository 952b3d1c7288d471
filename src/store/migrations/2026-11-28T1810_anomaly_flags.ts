import type { Kysely } from 'kysely';
import { withIdColumn } from '../dialect.ts';

/** Migrations see no schema type: they must not depend on the schema as it evolves later. */
type AnyDb = Kysely<unknown>;

/**
 * Analytics additions. Anomaly flags found by the rules of `src/analytics/anomaly.ts` on a channel's daily series, and every review
 * of them by an operator (confirm / dismiss, who, when, why). One flag per channel, rule and day, so running
 * the detection again finds nothing new and never touches a reviewed flag.
 */
export async function up(db: AnyDb): Promise<void> {
  // Views a source reports for the channel on that day (imported files may carry them); null when not given.
  await db.schema.alterTable('observations').addColumn('views', 'bigint').execute();
  // Posts of a period across every channel (posting activity of a region or the country).
  await db.schema.createIndex('posts_published_idx').on('posts').columns(['published_at']).execute();

  await withIdColumn(db, db.schema.createTable('anomaly_flags'))
    .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id').onDelete('cascade'))
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('expected', 'double precision')
    .addColumn('score', 'double precision')
    .addColumn('reason_ru', 'text', (c) => c.notNull())
    .addColumn('reason_en', 'text', (c) => c.notNull())
    // 'open' | 'confirmed' | 'dismissed'
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    // How a confirmed spike/drop is removed from the data: 'carry' (that day only) or 'level' (the jump too).
    .addColumn('exclusion_mode', 'text', (c) => c.notNull().defaultTo('carry'))
    .addColumn('detected_at', 'text', (c) => c.notNull())
    .addColumn('reviewed_at', 'text')
    .addColumn('reviewed_by', 'text')
    .addColumn('review_comment', 'text')
    .execute();
  await db.schema
    .createIndex('anomaly_flags_channel_rule_day_uq')
    .on('anomaly_flags')
    .columns(['channel_id', 'rule', 'day'])
    .unique()
    .execute();
  await db.schema
    .createIndex('anomaly_flags_status_day_idx')
    .on('anomaly_flags')
    .columns(['status', 'day'])
    .execute();

  await withIdColumn(db, db.schema.createTable('anomaly_flag_reviews'))
    .addColumn('flag_id', 'integer', (c) => c.notNull().references('anomaly_flags.id').onDelete('cascade'))
    // 'confirmed' | 'dismissed' | 'reopened'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('exclusion_mode', 'text')
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('anomaly_flag_reviews_flag_idx')
    .on('anomaly_flag_reviews')
    .columns(['flag_id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('anomaly_flag_reviews').ifExists().execute();
  await db.schema.dropTable('anomaly_flags').ifExists().execute();
  await db.schema.dropIndex('posts_published_idx').ifExists().execute();
  await db.schema.alterTable('observations').dropColumn('views').execute();
}
