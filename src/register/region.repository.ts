import type { Kysely, Transaction } from 'kysely';
import { executePrepared } from '../store/prepared.ts';
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

/**
 * The population figure valid at `date` of every region that has one (the latest with as_of ≤ date), as a
 * subquery to join on region_code: (region_code, population, as_of, source).
 */
export function populationAt(db: Db, date: string) {
  return db
    .selectFrom('region_population as p')
    .innerJoin(
      (eb) =>
        eb
          .selectFrom('region_population')
          .select((q) => ['region_code', q.fn.max('as_of').as('as_of')])
          .where('as_of', '<=', date)
          .groupBy('region_code')
          .as('latest'),
      (j) => j.onRef('latest.region_code', '=', 'p.region_code').onRef('latest.as_of', '=', 'p.as_of'),
    )
    .select(['p.region_code', 'p.population', 'p.as_of', 'p.source']);
}

/** Population valid at `date` (the latest figure with as_of ≤ date) for every region; null where none. */
export async function regionsWithPopulationAt(db: Db, date: string): Promise<RegionWithPopulation[]> {
  // One statement: each region joined with its latest figure not after the date.
  return executePrepared(
    db,
    db
      .selectFrom('regions as r')
      .leftJoin(populationAt(db, date).as('p'), 'p.region_code', 'r.code')
      .selectAll('r')
      .select(['p.population', 'p.as_of as population_as_of', 'p.source as population_source'])
      .orderBy('r.code'),
  );
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
