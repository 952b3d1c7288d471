import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB, PublishedRatingsTable } from '../store/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type PublishedRating = Selectable<PublishedRatingsTable>;
export type PublishedRatingSummary = Omit<PublishedRating, 'table_json'>;

/** Published ratings are append-only (a database trigger refuses UPDATE and DELETE). */
export async function insertPublishedRating(
  db: Db,
  row: Omit<PublishedRating, 'id'>,
): Promise<PublishedRating> {
  return db.insertInto('published_ratings').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findPublishedRating(db: Db, id: number): Promise<PublishedRating | undefined> {
  return db.selectFrom('published_ratings').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listPublishedRatings(
  db: Db,
  filter: { methodology?: string; limit: number; offset: number },
): Promise<{ items: PublishedRatingSummary[]; total: number }> {
  let q = db.selectFrom('published_ratings');
  if (filter.methodology) q = q.where('methodology_id', '=', filter.methodology);
  const [items, count] = await Promise.all([
    q
      .select([
        'id',
        'methodology_id',
        'methodology_version',
        'parameters',
        'scope',
        'rating_date',
        'inputs_observed_until',
        'title',
        'created_at',
        'created_by',
      ])
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}
