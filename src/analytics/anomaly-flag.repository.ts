import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AnomalyFlagReviewsTable, AnomalyFlagsTable, DB } from '../store/schema.ts';
import type { AnomalyFlag } from './anomaly.ts';
import type { Day } from './calendar.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type StoredFlag = Selectable<AnomalyFlagsTable>;
export type FlagReview = Selectable<AnomalyFlagReviewsTable>;

export const FLAG_STATUSES = ['open', 'confirmed', 'dismissed'] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];
export const EXCLUSION_MODES = ['carry', 'level'] as const;
export type ExclusionModeCode = (typeof EXCLUSION_MODES)[number];

/** A flag with the channel it belongs to (region taken from the channel, as it is now). */
export interface FlagWithChannel extends StoredFlag {
  channel_title: string | null;
  channel_nickname: string | null;
  region_code: string | null;
  category: string;
}

/** Inserts new flags; a flag already stored for the same channel, rule and day is left as it is. */
export async function insertFlags(
  db: Db,
  flags: { channel_id: number; flag: AnomalyFlag }[],
  detectedAt: string,
): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < flags.length; i += 500) {
    const rows = flags.slice(i, i + 500).map(({ channel_id, flag }) => ({
      channel_id,
      rule: flag.rule,
      day: flag.day,
      value: flag.value,
      expected: flag.expected,
      score: flag.score,
      reason_ru: flag.reason_ru,
      reason_en: flag.reason_en,
      detected_at: detectedAt,
    }));
    const result = await db
      .insertInto('anomaly_flags')
      .values(rows)
      .onConflict((oc) => oc.columns(['channel_id', 'rule', 'day']).doNothing())
      .returning('id')
      .execute();
    inserted += result.length;
  }
  return inserted;
}

function withChannel(db: Db) {
  return db
    .selectFrom('anomaly_flags as f')
    .innerJoin('channels as c', 'c.id', 'f.channel_id')
    .selectAll('f')
    .select(['c.title as channel_title', 'c.nickname as channel_nickname', 'c.region_code', 'c.category']);
}

export interface FlagFilter {
  status?: FlagStatus[];
  region?: string[];
  channel?: number[];
  rule?: string[];
  from?: Day;
  to?: Day;
}

export async function listFlags(
  db: Db,
  filter: FlagFilter,
  page: { limit: number; offset: number },
): Promise<{ items: FlagWithChannel[]; total: number }> {
  let q = withChannel(db);
  if (filter.status?.length) q = q.where('f.status', 'in', filter.status);
  if (filter.region?.length) q = q.where('c.region_code', 'in', filter.region);
  if (filter.channel?.length) q = q.where('f.channel_id', 'in', filter.channel);
  if (filter.rule?.length) q = q.where('f.rule', 'in', filter.rule);
  if (filter.from) q = q.where('f.day', '>=', filter.from);
  if (filter.to) q = q.where('f.day', '<=', filter.to);
  const [items, count] = await Promise.all([
    q.orderBy('f.day', 'desc').orderBy('f.id', 'desc').limit(page.limit).offset(page.offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

export async function findFlag(db: Db, id: number): Promise<FlagWithChannel | undefined> {
  return withChannel(db).where('f.id', '=', id).executeTakeFirst();
}

export async function flagReviews(db: Db, flagIds: readonly number[]): Promise<FlagReview[]> {
  if (flagIds.length === 0) return [];
  return db
    .selectFrom('anomaly_flag_reviews')
    .selectAll()
    .where('flag_id', 'in', [...flagIds])
    .orderBy('flag_id')
    .orderBy('id')
    .execute();
}

/** Records a review and sets the flag's current state, in the caller's transaction. */
export async function reviewFlag(
  trx: Db,
  id: number,
  review: {
    status: FlagStatus;
    mode: ExclusionModeCode | null;
    comment: string;
    by: string | null;
    at: string;
  },
): Promise<void> {
  await trx
    .updateTable('anomaly_flags')
    .set({
      status: review.status,
      ...(review.mode ? { exclusion_mode: review.mode } : {}),
      reviewed_at: review.at,
      reviewed_by: review.by,
      review_comment: review.comment,
    })
    .where('id', '=', id)
    .execute();
  await trx
    .insertInto('anomaly_flag_reviews')
    .values({
      flag_id: id,
      status: review.status === 'open' ? 'reopened' : review.status,
      exclusion_mode: review.mode,
      comment: review.comment,
      reviewed_by: review.by,
      reviewed_at: review.at,
    })
    .execute();
}

/** Flags of these channels with a day in [from, to] (any status), for rating rows and exclusions. */
export async function flagsOfChannels(
  db: Db,
  channelIds: readonly number[] | 'all',
  from: Day,
  to: Day,
): Promise<StoredFlag[]> {
  const base = db
    .selectFrom('anomaly_flags')
    .selectAll()
    .where('day', '>=', from)
    .where('day', '<=', to)
    .where('status', '!=', 'dismissed');
  if (channelIds === 'all') return base.orderBy('channel_id').orderBy('day').execute();
  const out: StoredFlag[] = [];
  for (let i = 0; i < channelIds.length; i += 1000) {
    const ids = channelIds.slice(i, i + 1000);
    out.push(...(await base.where('channel_id', 'in', ids).orderBy('channel_id').orderBy('day').execute()));
  }
  return out;
}
