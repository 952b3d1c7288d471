import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../store/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A channel whose latest collection attempts failed, with why (the collection page lists them). */
export interface FailingChannel {
  id: number;
  title: string | null;
  nickname: string | null;
  region_code: string | null;
  category: string;
  last_error_kind: string | null;
  last_error: string | null;
  consecutive_failures: number;
  last_attempt_at: number | null;
  last_success_at: number | null;
}

/**
 * Channels (not removed) with at least one consecutive failure, the longest-failing first, optionally of one
 * error kind; with the total count for paging.
 */
export async function listFailingChannels(
  db: Db,
  filter: { kind?: string; limit: number; offset: number },
): Promise<{ items: FailingChannel[]; total: number }> {
  let base = db
    .selectFrom('channel_state as s')
    .innerJoin('channels as c', 'c.id', 's.channel_id')
    .where('c.status', '!=', 'removed')
    .where('s.consecutive_failures', '>', 0);
  if (filter.kind) base = base.where('s.last_error_kind', '=', filter.kind);
  const [items, count] = await Promise.all([
    base
      .select([
        'c.id',
        'c.title',
        'c.nickname',
        'c.region_code',
        'c.category',
        's.last_error_kind',
        's.last_error',
        's.consecutive_failures',
        's.last_attempt_at',
        's.last_success_at',
      ])
      .orderBy('s.consecutive_failures', 'desc')
      .orderBy('c.id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: items.map((r) => ({
      ...r,
      consecutive_failures: Number(r.consecutive_failures),
      last_attempt_at: r.last_attempt_at === null ? null : Number(r.last_attempt_at),
      last_success_at: r.last_success_at === null ? null : Number(r.last_success_at),
    })),
    total: Number(count.n),
  };
}
