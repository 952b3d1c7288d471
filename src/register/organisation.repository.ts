import type { Expression, ExpressionBuilder, Kysely, SqlBool, Transaction } from 'kysely';
import type { DB, NewOrganisation, Organisation, OrganisationUpdate } from '../store/schema.ts';
import { containsText, searchTextOf } from './channel.repository.ts';
import { type Keyset, keysetAfter, type SortOrder } from './paging.ts';

type Db = Kysely<DB> | Transaction<DB>;

export const ORGANISATION_SORT_FIELDS = [
  'id',
  'name',
  'region_code',
  'category',
  'level',
  'created_at',
  'updated_at',
] as const;
export type OrganisationSortField = (typeof ORGANISATION_SORT_FIELDS)[number];

export interface OrganisationFilter {
  region?: string[];
  category?: string[];
  level?: string[];
  municipality?: string;
  /** Case-insensitive substring of name, municipality, INN or OGRN. */
  text?: string;
}

export interface OrganisationQuery extends OrganisationFilter {
  limit: number;
  offset: number;
}

/** The search text of an organisation: name, municipality, INN, OGRN. */
export function organisationSearchText(organisation: {
  name: string;
  municipality: string | null;
  inn: string | null;
  ogrn: string | null;
}): string {
  return searchTextOf(organisation.name, organisation.municipality, organisation.inn, organisation.ogrn);
}

function filterOf(
  eb: ExpressionBuilder<DB, 'organisations'>,
  filter: OrganisationFilter,
): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.region?.length)
    conditions.push(
      eb(
        'organisations.region_code',
        'in',
        filter.region.map((r) => r.toUpperCase()),
      ),
    );
  if (filter.category?.length) conditions.push(eb('organisations.category', 'in', filter.category));
  if (filter.level?.length) conditions.push(eb('organisations.level', 'in', filter.level));
  if (filter.municipality) conditions.push(eb('organisations.municipality', '=', filter.municipality));
  if (filter.text?.trim()) conditions.push(containsText('organisations.search_text', filter.text));
  return eb.and(conditions);
}

export async function listOrganisations(
  db: Db,
  query: OrganisationQuery,
): Promise<{ items: Organisation[]; total: number }> {
  const base = db.selectFrom('organisations').where((eb) => filterOf(eb, query));
  const [items, count] = await Promise.all([
    base.selectAll().orderBy('name').orderBy('id').limit(query.limit).offset(query.offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

export async function countOrganisations(db: Db, filter: OrganisationFilter = {}): Promise<number> {
  const row = await db
    .selectFrom('organisations')
    .where((eb) => filterOf(eb, filter))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** An organisation with its region's name and the number of channels that reference it. */
export interface OrganisationWithNames extends Organisation {
  region_name_ru: string | null;
  channels_count: number;
}

export interface OrganisationPageQuery extends OrganisationFilter {
  sort: OrganisationSortField;
  order: SortOrder;
  limit: number;
  offset?: number;
  after?: Keyset;
}

function withNames(db: Db) {
  return db
    .selectFrom('organisations')
    .leftJoin('regions', 'regions.code', 'organisations.region_code')
    .selectAll('organisations')
    .select((eb) => [
      'regions.name_ru as region_name_ru',
      eb
        .selectFrom('channels')
        .select((c) => c.fn.countAll<number>().as('n'))
        .whereRef('channels.organisation_id', '=', 'organisations.id')
        .as('channels_count'),
    ]);
}

function normalised<T extends { channels_count: number | null }>(row: T): T & { channels_count: number } {
  return { ...row, channels_count: Number(row.channels_count ?? 0) };
}

/** One page of organisations; NULL sort values come last in both directions. */
export async function queryOrganisations(
  db: Db,
  query: OrganisationPageQuery,
): Promise<OrganisationWithNames[]> {
  let q = withNames(db).where((eb) => filterOf(eb, query));
  if (query.after)
    q = q.where(keysetAfter(`organisations.${query.sort}`, 'organisations.id', query.order, query.after));
  const rows = await q
    .orderBy(`organisations.${query.sort}`, (ob) =>
      (query.order === 'asc' ? ob.asc() : ob.desc()).nullsLast(),
    )
    .orderBy('organisations.id', query.order)
    .limit(query.limit)
    .offset(query.offset ?? 0)
    .execute();
  return rows.map(normalised);
}

export async function findOrganisationWithNames(
  db: Db,
  id: number,
): Promise<OrganisationWithNames | undefined> {
  const row = await withNames(db).where('organisations.id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : normalised(row);
}

export async function findOrganisation(db: Db, id: number): Promise<Organisation | undefined> {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOrganisationByInn(db: Db, inn: string): Promise<Organisation | undefined> {
  return db.selectFrom('organisations').selectAll().where('inn', '=', inn).orderBy('id').executeTakeFirst();
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
