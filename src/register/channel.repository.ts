import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SqlBool,
  sql,
  type Transaction,
} from 'kysely';
import type { Channel, ChannelUpdate, DB, NewChannel } from '../store/schema.ts';
import { type Keyset, keysetAfter, type SortOrder } from './paging.ts';

type Db = Kysely<DB> | Transaction<DB>;

export const CHANNEL_SORT_FIELDS = [
  'id',
  'title',
  'nickname',
  'region_code',
  'category',
  'status',
  'created_at',
  'updated_at',
] as const;
export type ChannelSortField = (typeof CHANNEL_SORT_FIELDS)[number];

export interface ChannelFilter {
  region?: string[];
  category?: string[];
  platform?: string[];
  status?: string[];
  organisationId?: number;
  municipality?: string;
  /** Case-insensitive substring of title, nickname, municipality or organisation name. */
  text?: string;
}

export interface ChannelQuery extends ChannelFilter {
  sort?: ChannelSortField;
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** Lower-cased, ё-folded text searched by `text` filters (LIKE is ASCII-only case-insensitive in SQLite). */
export function searchTextOf(...parts: (string | null | undefined)[]): string {
  return parts
    .filter((p): p is string => Boolean(p))
    .join(' ')
    .toLowerCase()
    .replaceAll('ё', 'е');
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/** `column LIKE %text%` on lower-cased search text; the explicit ESCAPE makes `%`, `_` literal on both dialects. */
export function containsText(column: string, text: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} like ${`%${escapeLike(searchTextOf(text.trim()))}%`} escape '\\'`;
}

/** The search text of a channel: title, nickname, municipality and its organisation's name. */
export function channelSearchText(
  channel: { title: string | null; nickname: string | null; municipality: string | null },
  organisationName: string | null | undefined,
): string {
  return searchTextOf(channel.title, channel.nickname, channel.municipality, organisationName);
}

function filterOf(eb: ExpressionBuilder<DB, 'channels'>, filter: ChannelFilter): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.region?.length)
    conditions.push(
      eb(
        'channels.region_code',
        'in',
        filter.region.map((r) => r.toUpperCase()),
      ),
    );
  if (filter.category?.length) conditions.push(eb('channels.category', 'in', filter.category));
  if (filter.platform?.length) conditions.push(eb('channels.platform', 'in', filter.platform));
  if (filter.status?.length) conditions.push(eb('channels.status', 'in', filter.status));
  if (filter.organisationId !== undefined)
    conditions.push(eb('channels.organisation_id', '=', filter.organisationId));
  if (filter.municipality) conditions.push(eb('channels.municipality', '=', filter.municipality));
  if (filter.text?.trim()) conditions.push(containsText('channels.search_text', filter.text));
  return eb.and(conditions);
}

export async function listChannels(
  db: Db,
  query: ChannelQuery,
): Promise<{ items: Channel[]; total: number }> {
  const base = db.selectFrom('channels').where((eb) => filterOf(eb, query));
  const sort = query.sort ?? 'id';
  const order = query.order ?? 'asc';
  const [items, count] = await Promise.all([
    base
      .selectAll('channels')
      .orderBy(`channels.${sort}`, order)
      .orderBy('channels.id', order)
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

export async function findChannel(db: Db, id: number): Promise<Channel | undefined> {
  return db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findChannelByNickname(
  db: Db,
  platform: string,
  nickname: string,
): Promise<Channel | undefined> {
  return db
    .selectFrom('channels')
    .selectAll()
    .where('platform', '=', platform)
    .where('nickname', '=', nickname)
    .executeTakeFirst();
}

export async function findChannelByChatId(
  db: Db,
  platform: string,
  chatId: string,
): Promise<Channel | undefined> {
  return db
    .selectFrom('channels')
    .selectAll()
    .where('platform', '=', platform)
    .where('chat_id', '=', chatId)
    .executeTakeFirst();
}

export async function insertChannel(db: Db, channel: NewChannel): Promise<Channel> {
  return db.insertInto('channels').values(channel).returningAll().executeTakeFirstOrThrow();
}

export async function updateChannel(db: Db, id: number, patch: ChannelUpdate): Promise<Channel | undefined> {
  return db.updateTable('channels').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteChannel(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('channels').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Every channel in id order, in pages, for exports and collection (never loads the whole register at once). */
export async function* streamChannels(
  db: Db,
  filter: ChannelFilter = {},
  pageSize = 5000,
): AsyncGenerator<Channel[]> {
  let after = 0;
  for (;;) {
    const page = await db
      .selectFrom('channels')
      .where((eb) => filterOf(eb, filter))
      .selectAll('channels')
      .where('channels.id', '>', after)
      .orderBy('channels.id')
      .limit(pageSize)
      .execute();
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!.id;
    if (page.length < pageSize) return;
  }
}

export async function countChannels(db: Db, filter: ChannelFilter = {}): Promise<number> {
  const row = await db
    .selectFrom('channels')
    .where((eb) => filterOf(eb, filter))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A channel with the names the API and the dashboard show next to the codes. */
export interface ChannelWithNames extends Channel {
  organisation_name: string | null;
  region_name_ru: string | null;
}

export interface ChannelPageQuery extends ChannelFilter {
  sort: ChannelSortField;
  order: SortOrder;
  limit: number;
  offset?: number;
  /** Keyset paging: rows after this (sort value, id). */
  after?: Keyset;
}

/** One page of channels with organisation and region names; NULL sort values come last in both directions. */
export async function queryChannels(db: Db, query: ChannelPageQuery): Promise<ChannelWithNames[]> {
  let q = db.selectFrom('channels').where((eb) => filterOf(eb, query));
  if (query.after)
    q = q.where(keysetAfter(`channels.${query.sort}`, 'channels.id', query.order, query.after));
  return q
    .leftJoin('organisations', 'organisations.id', 'channels.organisation_id')
    .leftJoin('regions', 'regions.code', 'channels.region_code')
    .selectAll('channels')
    .select(['organisations.name as organisation_name', 'regions.name_ru as region_name_ru'])
    .orderBy(`channels.${query.sort}`, (ob) => (query.order === 'asc' ? ob.asc() : ob.desc()).nullsLast())
    .orderBy('channels.id', query.order)
    .limit(query.limit)
    .offset(query.offset ?? 0)
    .execute();
}

export async function findChannelWithNames(db: Db, id: number): Promise<ChannelWithNames | undefined> {
  return db
    .selectFrom('channels')
    .leftJoin('organisations', 'organisations.id', 'channels.organisation_id')
    .leftJoin('regions', 'regions.code', 'channels.region_code')
    .selectAll('channels')
    .select(['organisations.name as organisation_name', 'regions.name_ru as region_name_ru'])
    .where('channels.id', '=', id)
    .executeTakeFirst();
}

/** Deletes a channel with its observations, posts and post views (hard delete; call inside a transaction). */
export async function deleteChannelWithHistory(db: Db, id: number): Promise<boolean> {
  await db.deleteFrom('post_observations').where('channel_id', '=', id).execute();
  await db.deleteFrom('posts').where('channel_id', '=', id).execute();
  await db.deleteFrom('observations').where('channel_id', '=', id).execute();
  return deleteChannel(db, id);
}

/**
 * Recomputes the search text of an organisation's channels after the organisation was renamed, or detaches
 * them (`detach`: organisation_id set to null, name dropped from the search text) before it is deleted.
 * Returns how many channels changed.
 */
export async function refreshOrganisationChannels(
  db: Db,
  organisationId: number,
  organisationName: string | null,
  options: { detach?: boolean; updatedAt?: string } = {},
): Promise<number> {
  let changed = 0;
  let after = 0;
  for (;;) {
    const page = await db
      .selectFrom('channels')
      .select(['id', 'title', 'nickname', 'municipality'])
      .where('organisation_id', '=', organisationId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(1000)
      .execute();
    for (const channel of page) {
      await db
        .updateTable('channels')
        .set({
          search_text: channelSearchText(channel, options.detach ? null : organisationName),
          ...(options.detach ? { organisation_id: null } : {}),
          ...(options.updatedAt ? { updated_at: options.updatedAt } : {}),
        })
        .where('id', '=', channel.id)
        .execute();
      changed += 1;
    }
    const last = page[page.length - 1];
    if (last === undefined || page.length < 1000) return changed;
    after = last.id;
  }
}
