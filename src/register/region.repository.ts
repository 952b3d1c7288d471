import type { Kysely, Transaction } from 'kysely';
import type { DB, Region, RegionPopulation } from '../store/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface RegionWithPopulation extends Region {
  population: number | null;
  population_as_of: string | null;
  population_source: string | null;
}

export async function listRegions(db: Db): Promise<Region[]> {
  return db.selectFrom('regions').selectAll().orderBy('code').execute();
}

export async function findRegion(db: Db, code: string): Promise<Region | undefined> {
  return db.selectFrom('regions').selectAll().where('code', '=', code.toUpperCase()).executeTakeFirst();
}

/** Population valid at `date` (the latest figure with as_of ≤ date) for every region; null where none. */
export async function regionsWithPopulationAt(db: Db, date: string): Promise<RegionWithPopulation[]> {
  // One statement: each region joined with its latest figure not after the date.
  return db
    .selectFrom('regions as r')
    .leftJoin('region_population as p', (j) =>
      j.onRef('p.region_code', '=', 'r.code').on('p.as_of', '=', (eb) =>
        eb
          .selectFrom('region_population as q')
          .select((q) => q.fn.max('q.as_of').as('as_of'))
          .whereRef('q.region_code', '=', 'r.code')
          .where('q.as_of', '<=', date),
      ),
    )
    .selectAll('r')
    .select(['p.population', 'p.as_of as population_as_of', 'p.source as population_source'])
    .orderBy('r.code')
    .execute();
}

export async function populationHistory(db: Db, code: string): Promise<RegionPopulation[]> {
  return db
    .selectFrom('region_population')
    .selectAll()
    .where('region_code', '=', code.toUpperCase())
    .orderBy('as_of')
    .execute();
}

/** Adds or corrects the figure for (region, as_of); figures at other dates stay as they are. */
export async function upsertPopulation(
  db: Db,
  rows: { region_code: string; as_of: string; population: number; source: string }[],
): Promise<void> {
  const createdAt = new Date().toISOString();
  for (const row of rows) {
    await db
      .insertInto('region_population')
      .values({ ...row, created_at: createdAt })
      .onConflict((oc) =>
        oc.columns(['region_code', 'as_of']).doUpdateSet({ population: row.population, source: row.source }),
      )
      .execute();
  }
}
