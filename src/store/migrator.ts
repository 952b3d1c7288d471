import { type Kysely, type Migration, type MigrationResultSet, Migrator, sql } from 'kysely';
import { dialectOf } from './dialect.ts';
import * as initial from './migrations/2026-11-28T1500_initial.ts';
import * as collection from './migrations/2026-11-28T1600_collection.ts';
import * as settings from './migrations/2026-11-28T1700_settings.ts';
import * as analytics from './migrations/2026-11-28T1800_analytics.ts';
import * as anomalyFlags from './migrations/2026-11-28T1810_anomaly_flags.ts';
import * as access from './migrations/2026-11-28T1900_access.ts';
import * as ratingAggregates from './migrations/2026-11-29T0200_rating_aggregates.ts';
import * as dailyClustering from './migrations/2026-11-29T0600_daily_clustering.ts';
import * as populationSources from './migrations/2026-11-29T1500_population_sources.ts';
import * as runPageRequests from './migrations/2026-11-29T1600_run_page_requests.ts';
import type { DB } from './schema.ts';

/**
 * Every migration, by timestamped name. Listed statically (not read from a folder) so that the bundle,
 * tsx and tests see the same set. Add new ones at the end with a later timestamp.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '2026-11-28T1500_initial': initial,
  '2026-11-28T1600_collection': collection,
  '2026-11-28T1700_settings': settings,
  '2026-11-28T1800_analytics': analytics,
  '2026-11-28T1810_anomaly_flags': anomalyFlags,
  '2026-11-28T1900_access': access,
  '2026-11-29T0200_rating_aggregates': ratingAggregates,
  '2026-11-29T0600_daily_clustering': dailyClustering,
  '2026-11-29T1500_population_sources': populationSources,
  '2026-11-29T1600_run_page_requests': runPageRequests,
};

class StaticProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/**
 * On PostgreSQL the migration bookkeeping tables live in the connection's current schema (its search_path),
 * like every other table: without this, Kysely looks for them in every schema of the database and trips over
 * another installation's (or test's) tables.
 */
export async function migratorFor(db: Kysely<DB>): Promise<Migrator> {
  if (dialectOf(db) === 'postgres') {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    const schema = rows[0]?.schema;
    if (schema) return new Migrator({ db, provider: new StaticProvider(), migrationTableSchema: schema });
  }
  return new Migrator({ db, provider: new StaticProvider() });
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly results: MigrationResultSet['results'],
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** Brings the schema to the latest version. Pending migrations run in one transaction (both dialects have transactional DDL). */
export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  const { error, results } = await (await migratorFor(db)).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new MigrationError(
      `Migration ${failed ?? '(unknown)'} failed: ${error instanceof Error ? error.message : String(error)}`,
      results,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export interface MigrationStatus {
  name: string;
  executedAt: Date | null;
}

export async function migrationStatus(db: Kysely<DB>): Promise<MigrationStatus[]> {
  const migrations = await (await migratorFor(db)).getMigrations();
  return migrations.map((m) => ({ name: m.name, executedAt: m.executedAt ?? null }));
}
