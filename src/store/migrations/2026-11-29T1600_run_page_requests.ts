import type { Kysely } from 'kysely';

/** Migrations see no schema type: they must not depend on the schema as it evolves later. */
type AnyDb = Kysely<unknown>;

/**
 * Collection runs counted public page reads together with Bot API requests, so a run's rate was compared with
 * the token's limit (30/s) including reads that have their own limit: the dashboard showed «101 % of the limit»
 * with no 429 in sight. Page reads now have their own counter; `requests` keeps the Bot API's (older runs keep
 * their mixed count).
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('collection_runs')
    .addColumn('page_requests', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('collection_runs').dropColumn('page_requests').execute();
}
