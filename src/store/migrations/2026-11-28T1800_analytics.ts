import type { Kysely } from 'kysely';
import { makeAppendOnly, withIdColumn } from '../dialect.ts';

/** Migrations see no schema type: they must not depend on the schema as it evolves later. */
type AnyDb = Kysely<unknown>;

/** Published ratings: the stored table with its methodology, parameters and inputs' as-of — never changed. */
export async function up(db: AnyDb): Promise<void> {
  await withIdColumn(db, db.schema.createTable('published_ratings'))
    .addColumn('methodology_id', 'text', (c) => c.notNull())
    .addColumn('methodology_version', 'text', (c) => c.notNull())
    .addColumn('parameters', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('rating_date', 'date', (c) => c.notNull())
    .addColumn('inputs_observed_until', 'text')
    .addColumn('table_json', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  await db.schema
    .createIndex('published_ratings_method_date_idx')
    .on('published_ratings')
    .columns(['methodology_id', 'rating_date'])
    .execute();
  await makeAppendOnly(db, 'published_ratings');
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('published_ratings').ifExists().execute();
}
