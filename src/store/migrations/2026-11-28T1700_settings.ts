import type { Kysely } from 'kysely';

/** Migrations see no schema type: they must not depend on the schema as it evolves later. */
type AnyDb = Kysely<unknown>;

/** Small key/value state of the installation (e.g. the MAX updates marker, demo flags). */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('app_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('app_settings').ifExists().execute();
}
