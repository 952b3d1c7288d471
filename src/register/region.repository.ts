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
  const [regions, figures] = await Promise.all([
    listRegions(db),
    db
      .selectFrom('region_population')
      .selectAll()
      .where('as_of', '<=', date)
      .orderBy('region_code')
      .orderBy('as_of')
      .execute(),
  ]);
  const latest = new Map<string, RegionPopulation>();
  for (const f of figures) latest.set(f.region_code, f);
  // Object.assign, not a spread adding properties (slow on Node 20: see withPlace in analytics/ranking.ts).
  return regions.map((r) => {
    const p = latest.get(r.code);
    return Object.assign({}, r, {
      population: p?.population ?? null,
      population_as_of: p?.as_of ?? null,
      population_source: p?.source ?? null,
    });
  });
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
