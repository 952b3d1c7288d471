import type { Kysely } from 'kysely';
import { loadReferenceRegions } from '../reference-regions.ts';

/** Migrations see no schema type: they must not depend on the schema as it evolves later. */
type AnyDb = Kysely<unknown>;

/**
 * The reference population was stored with one source text for all 86 figures, the DPR's note included, so
 * every region's page showed «…; ДНР — данные региона на 01.04.2024». Each reference figure now names its own
 * source (reference-regions.ts). Only rows still carrying the old combined text are changed: a figure a person
 * imported or corrected keeps its source.
 */
const COMBINED = 'Росстат, оценка на 1 января 2025 г. (14.03.2025); ДНР — данные региона на 01.04.2024';

type PopulationSources = {
  region_population: { region_code: string; as_of: string; source: string };
};

export async function up(db: AnyDb): Promise<void> {
  const t = db.withTables<PopulationSources>();
  for (const p of loadReferenceRegions().population) {
    await t
      .updateTable('region_population')
      .set({ source: p.source })
      .where('region_code', '=', p.region_code)
      .where('as_of', '=', p.as_of)
      .where('source', '=', COMBINED)
      .execute();
  }
}

export async function down(db: AnyDb): Promise<void> {
  const t = db.withTables<PopulationSources>();
  for (const p of loadReferenceRegions().population) {
    await t
      .updateTable('region_population')
      .set({ source: COMBINED })
      .where('region_code', '=', p.region_code)
      .where('as_of', '=', p.as_of)
      .where('source', '=', p.source)
      .execute();
  }
}
