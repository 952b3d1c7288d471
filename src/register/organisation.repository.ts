import type { Kysely, Transaction } from 'kysely';
import type { DB, NewOrganisation, Organisation, OrganisationUpdate } from '../store/schema.ts';
import { searchTextOf } from './channel.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface OrganisationQuery {
  region?: string[];
  category?: string[];
  level?: string[];
  text?: string;
  limit: number;
  offset: number;
}

export async function listOrganisations(
  db: Db,
  query: OrganisationQuery,
): Promise<{ items: Organisation[]; total: number }> {
  let base = db.selectFrom('organisations');
  if (query.region?.length)
    base = base.where(
      'region_code',
      'in',
      query.region.map((r) => r.toUpperCase()),
    );
  if (query.category?.length) base = base.where('category', 'in', query.category);
  if (query.level?.length) base = base.where('level', 'in', query.level);
  if (query.text?.trim()) base = base.where('search_text', 'like', `%${searchTextOf(query.text.trim())}%`);
  const [items, count] = await Promise.all([
    base.selectAll().orderBy('name').orderBy('id').limit(query.limit).offset(query.offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

export async function findOrganisation(db: Db, id: number): Promise<Organisation | undefined> {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Organisations are matched on import by INN when given, else by exact name within a region. */
export async function findOrganisationByIdentity(
  db: Db,
  identity: { inn?: string | null; name: string; region_code: string | null },
): Promise<Organisation | undefined> {
  if (identity.inn) {
    const byInn = await db
      .selectFrom('organisations')
      .selectAll()
      .where('inn', '=', identity.inn)
      .executeTakeFirst();
    if (byInn) return byInn;
  }
  let q = db.selectFrom('organisations').selectAll().where('name', '=', identity.name);
  q =
    identity.region_code === null
      ? q.where('region_code', 'is', null)
      : q.where('region_code', '=', identity.region_code);
  return q.executeTakeFirst();
}

export async function insertOrganisation(db: Db, organisation: NewOrganisation): Promise<Organisation> {
  return db.insertInto('organisations').values(organisation).returningAll().executeTakeFirstOrThrow();
}

export async function updateOrganisation(
  db: Db,
  id: number,
  patch: OrganisationUpdate,
): Promise<Organisation | undefined> {
  return db.updateTable('organisations').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteOrganisation(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('organisations').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
