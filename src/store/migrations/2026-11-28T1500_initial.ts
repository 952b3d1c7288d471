import { type Kysely, sql } from 'kysely';
import { withIdColumn } from '../dialect.ts';
import {
  loadReferenceRegions,
  type ReferencePopulation,
  type ReferenceRegion,
} from '../reference-regions.ts';

/** Migrations see no schema type: they must not depend on the schema as it evolves later. */
type AnyDb = Kysely<unknown>;

type Plain<T> = { [K in keyof T]: T[K] };
type SeedTables = {
  regions: Plain<ReferenceRegion>;
  region_population: Plain<ReferencePopulation & { created_at: string }>;
};

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('regions')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name_ru', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('federal_district', 'text', (c) => c.notNull())
    .addColumn('okato', 'text')
    .addColumn('capital', 'text')
    .execute();

  await db.schema
    .createTable('region_population')
    .addColumn('region_code', 'text', (c) => c.notNull().references('regions.code').onDelete('cascade'))
    .addColumn('as_of', 'date', (c) => c.notNull())
    .addColumn('population', 'bigint', (c) => c.notNull().check(sql`population > 0`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('region_population_pk', ['region_code', 'as_of'])
    .execute();

  await withIdColumn(db, db.schema.createTable('organisations'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.references('regions.code'))
    .addColumn('municipality', 'text')
    .addColumn('inn', 'text')
    .addColumn('ogrn', 'text')
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('organisations_region_idx')
    .on('organisations')
    .columns(['region_code'])
    .execute();
  await db.schema.createIndex('organisations_inn_idx').on('organisations').columns(['inn']).execute();

  await withIdColumn(db, db.schema.createTable('channels'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('nickname', 'text')
    .addColumn('chat_id', 'text')
    .addColumn('url', 'text')
    .addColumn('title', 'text')
    .addColumn('organisation_id', 'integer', (c) => c.references('organisations.id').onDelete('set null'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('level', 'text')
    .addColumn('region_code', 'text', (c) => c.references('regions.code'))
    .addColumn('municipality', 'text')
    .addColumn('page_class', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('official_confirmed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('channels_identity', sql`nickname is not null or chat_id is not null`)
    .execute();
  await db.schema
    .createIndex('channels_platform_nickname_uq')
    .on('channels')
    .columns(['platform', 'nickname'])
    .unique()
    .execute();
  await db.schema
    .createIndex('channels_platform_chat_uq')
    .on('channels')
    .columns(['platform', 'chat_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('channels_region_category_idx')
    .on('channels')
    .columns(['region_code', 'category'])
    .execute();
  await db.schema
    .createIndex('channels_organisation_idx')
    .on('channels')
    .columns(['organisation_id'])
    .execute();

  // Raw observations: one row per channel, source and collection bucket (the idempotency key), so a job
  // that runs twice stores one row. 250,000 channels × 365 daily points ≈ 91 M narrow rows; analytics
  // reads the daily read model, not this table.
  await db.schema
    .createTable('observations')
    .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('bucket', 'bigint', (c) => c.notNull())
    .addColumn('observed_at', 'bigint', (c) => c.notNull())
    .addColumn('subscribers', 'integer', (c) => c.notNull())
    .addColumn('messages_count', 'integer')
    .addPrimaryKeyConstraint('observations_pk', ['channel_id', 'source', 'bucket'])
    .execute();
  await db.schema
    .createIndex('observations_channel_time_idx')
    .on('observations')
    .columns(['channel_id', 'observed_at'])
    .execute();

  await db.schema
    .createTable('posts')
    .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id').onDelete('cascade'))
    .addColumn('post_id', 'text', (c) => c.notNull())
    .addColumn('published_at', 'bigint', (c) => c.notNull())
    .addColumn('is_repost', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('url', 'text')
    .addColumn('text_length', 'integer')
    .addPrimaryKeyConstraint('posts_pk', ['channel_id', 'post_id'])
    .execute();
  await db.schema
    .createIndex('posts_channel_published_idx')
    .on('posts')
    .columns(['channel_id', 'published_at'])
    .execute();

  await db.schema
    .createTable('post_observations')
    .addColumn('channel_id', 'integer', (c) => c.notNull())
    .addColumn('post_id', 'text', (c) => c.notNull())
    .addColumn('observed_at', 'bigint', (c) => c.notNull())
    .addColumn('age_hours', 'integer', (c) => c.notNull())
    .addColumn('views', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('post_observations_pk', ['channel_id', 'post_id', 'observed_at'])
    .addForeignKeyConstraint(
      'post_observations_post_fk',
      ['channel_id', 'post_id'],
      'posts',
      ['channel_id', 'post_id'],
      (c) => c.onDelete('cascade'),
    )
    .execute();

  // The 89 federal subjects and their reference population (reference/regions.csv, see SOURCES.md).
  const { regions, population } = loadReferenceRegions();
  const seed = db.withTables<SeedTables>();
  await seed.insertInto('regions').values(regions).execute();
  const createdAt = new Date().toISOString();
  if (population.length > 0) {
    await seed
      .insertInto('region_population')
      .values(population.map((p) => ({ ...p, created_at: createdAt })))
      .execute();
  }
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'post_observations',
    'posts',
    'observations',
    'channels',
    'organisations',
    'region_population',
    'regions',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
