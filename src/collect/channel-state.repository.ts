import { type Kysely, sql, type Transaction, type Updateable } from 'kysely';
import { pageCompletePatch } from '../analytics/page-completeness.ts';
import type { Channel, ChannelState, ChannelStateTable, DB } from '../store/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type DueChannel = Pick<
  Channel,
  'id' | 'platform' | 'nickname' | 'chat_id' | 'category' | 'page_class' | 'region_code' | 'status'
> &
  Pick<
    ChannelState,
    'consecutive_failures' | 'posts_checked_at' | 'page_last_good' | 'bot_admin' | 'next_due_at'
  >;

/** Creates the state row of every channel that has none yet (new channels are due at once). */
export async function ensureChannelStates(db: Db): Promise<number> {
  const result = await db
    .insertInto('channel_state')
    .columns(['channel_id', 'next_due_at'])
    .expression((eb) =>
      eb
        .selectFrom('channels')
        .leftJoin('channel_state', 'channel_state.channel_id', 'channels.id')
        .where('channel_state.channel_id', 'is', null)
        .select(['channels.id', sql<number>`0`.as('next_due_at')]),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

function dueChannelQuery(db: Db) {
  return db
    .selectFrom('channels as c')
    .innerJoin('channel_state as s', 's.channel_id', 'c.id')
    .select([
      'c.id',
      'c.platform',
      'c.nickname',
      'c.chat_id',
      'c.category',
      'c.page_class',
      'c.region_code',
      'c.status',
      's.consecutive_failures',
      's.posts_checked_at',
      's.page_last_good',
      's.bot_admin',
      's.next_due_at',
    ])
    .where('c.platform', '=', 'max')
    .where('c.status', '!=', 'removed');
}

/** Channels of MAX due at `now`, in id order (keyset paging after `afterId`). Removed channels are never due. */
export async function selectDueChannels(
  db: Db,
  now: number,
  limit: number,
  afterId = 0,
): Promise<DueChannel[]> {
  return dueChannelQuery(db)
    .where('s.next_due_at', '<=', now)
    .where('c.id', '>', afterId)
    .orderBy('c.id')
    .limit(limit)
    .execute();
}

/** Every channel due by `dueBy`, read in keyset pages. */
export async function selectAllDueChannels(db: Db, dueBy: number): Promise<DueChannel[]> {
  const due: DueChannel[] = [];
  for (let after = 0; ; ) {
    const page = await selectDueChannels(db, dueBy, 5000, after);
    if (page.length === 0) return due;
    due.push(...page);
    after = page[page.length - 1]!.id;
  }
}

/** One channel with its collection state, whether due or not (a queued job re-reads it). */
export async function findDueChannel(db: Db, id: number): Promise<DueChannel | undefined> {
  return dueChannelQuery(db).where('c.id', '=', id).executeTakeFirst();
}

export async function countDueChannels(db: Db, now: number): Promise<number> {
  const row = await db
    .selectFrom('channels as c')
    .innerJoin('channel_state as s', 's.channel_id', 'c.id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('c.platform', '=', 'max')
    .where('c.status', '!=', 'removed')
    .where('s.next_due_at', '<=', now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export type ChannelStatePatch = Updateable<ChannelStateTable> & { channel_id: number };

/** Saves many state changes in one transaction. */
export async function saveChannelStates(db: Kysely<DB>, patches: ChannelStatePatch[]): Promise<void> {
  if (patches.length === 0) return;
  await db.transaction().execute((trx) => saveStatesInTransaction(trx, patches));
}

export async function saveStatesInTransaction(trx: Db, patches: ChannelStatePatch[]): Promise<void> {
  for (const { channel_id, ...patch } of patches) {
    // Page completeness is stored with the profile, so region counters can add it up (page-completeness.ts).
    await trx
      .updateTable('channel_state')
      .set({ ...patch, ...pageCompletePatch(patch) })
      .where('channel_id', '=', channel_id)
      .execute();
  }
}

export async function getChannelState(db: Db, channelId: number): Promise<ChannelState | undefined> {
  return db.selectFrom('channel_state').selectAll().where('channel_id', '=', channelId).executeTakeFirst();
}

export interface CollectionHealth {
  channels: number;
  due: number;
  failing: number;
  neverCollected: number;
  failingByKind: Record<string, number>;
}

export async function collectionHealth(db: Db, now: number): Promise<CollectionHealth> {
  const rows = await db
    .selectFrom('channel_state as s')
    .innerJoin('channels as c', 'c.id', 's.channel_id')
    .where('c.status', '!=', 'removed')
    .select((eb) => [
      's.last_error_kind',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>(sql`case when s.next_due_at <= ${now} then 1 else 0 end`).as('due'),
      eb.fn.sum<number>(sql`case when s.consecutive_failures > 0 then 1 else 0 end`).as('failing'),
      eb.fn.sum<number>(sql`case when s.last_success_at is null then 1 else 0 end`).as('never'),
    ])
    .groupBy('s.last_error_kind')
    .execute();
  const health: CollectionHealth = { channels: 0, due: 0, failing: 0, neverCollected: 0, failingByKind: {} };
  for (const r of rows) {
    health.channels += Number(r.n);
    health.due += Number(r.due ?? 0);
    health.failing += Number(r.failing ?? 0);
    health.neverCollected += Number(r.never ?? 0);
    if (r.last_error_kind && Number(r.failing ?? 0) > 0)
      health.failingByKind[r.last_error_kind] = Number(r.failing);
  }
  return health;
}
