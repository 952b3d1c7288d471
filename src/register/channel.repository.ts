import type { Expression, ExpressionBuilder, Kysely, SqlBool, Transaction } from 'kysely';
import type { Channel, ChannelUpdate, DB, NewChannel } from '../store/schema.ts';

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
  if (filter.text?.trim()) {
    conditions.push(eb('channels.search_text', 'like', `%${escapeLike(searchTextOf(filter.text.trim()))}%`));
  }
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
