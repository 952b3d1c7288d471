import type { Kysely, Transaction } from 'kysely';
import { applyDailyPoints, type DailyPoint, moscowDayOf } from '../analytics/read-model.repository.ts';
import { applyPostActivity } from '../analytics/region-activity.repository.ts';
import { insertRows } from '../store/bulk-insert.ts';
import { chunkForInsert } from '../store/dialect.ts';
import type { DB, NewObservation } from '../store/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Bucket size of the idempotency key: one stored observation per channel, source and hour. */
export const OBSERVATION_BUCKET_MS = 3_600_000;

export function bucketOf(observedAt: number, bucketMs = OBSERVATION_BUCKET_MS): number {
  return Math.floor(observedAt / bucketMs) * bucketMs;
}

export interface ObservationInput {
  channel_id: number;
  source: string;
  observed_at: number;
  subscribers: number;
  messages_count?: number | null;
  /** Views the source reports for the channel (imported files); null when not given. */
  views?: number | null;
  /** Defaults to the hourly bucket of observed_at. */
  bucket?: number;
}

/**
 * Stores observations idempotently — (channel, source, bucket) is the primary key, a repeated write of the
 * same bucket is ignored — and brings the daily read model up to date with the rows actually inserted, in
 * one transaction: a crash leaves either both or neither.
 */
export async function recordObservations(
  db: Kysely<DB>,
  inputs: ObservationInput[],
): Promise<{ inserted: number }> {
  if (inputs.length === 0) return { inserted: 0 };
  return db.transaction().execute(async (trx) => writeObservations(trx, inputs));
}

/** The same inside a caller's transaction. */
export async function writeObservations(trx: Db, inputs: ObservationInput[]): Promise<{ inserted: number }> {
  if (inputs.length === 0) return { inserted: 0 };
  const rows: NewObservation[] = inputs.map((o) => ({
    channel_id: o.channel_id,
    source: o.source,
    bucket: o.bucket ?? bucketOf(o.observed_at),
    observed_at: o.observed_at,
    subscribers: o.subscribers,
    messages_count: o.messages_count ?? null,
    views: o.views ?? null,
  }));
  const points = new Map<number, Map<string, DailyPoint>>();
  let inserted = 0;
  const stored = await insertRows(trx, 'observations', rows, (chunk) =>
    trx
      .insertInto('observations')
      .values(chunk)
      .onConflict((oc) => oc.columns(['channel_id', 'source', 'bucket']).doNothing())
      .returning(['channel_id', 'observed_at', 'subscribers']),
  );
  inserted += stored.length;
  for (const o of stored) {
    const day = moscowDayOf(o.observed_at);
    const days = points.get(o.channel_id) ?? new Map<string, DailyPoint>();
    const current = days.get(day);
    if (!current || o.observed_at >= current.observedAt) {
      days.set(day, { subscribers: o.subscribers, observedAt: o.observed_at });
    }
    points.set(o.channel_id, days);
  }
  await applyDailyPoints(trx, points);
  return { inserted };
}

export interface PostInput {
  channel_id: number;
  post_id: string;
  published_at: number;
  is_repost: boolean;
  url: string | null;
  text_length: number | null;
  observed_at: number;
  views: number | null;
}

/**
 * Stores posts (once), keeps region_activity (region-activity.repository.ts) and stores their views at the
 * age they had when observed (once per post and instant).
 */
export async function writePosts(trx: Db, posts: PostInput[]): Promise<void> {
  if (posts.length === 0) return;
  const postRows = posts.map((p) => ({
    channel_id: p.channel_id,
    post_id: p.post_id,
    published_at: p.published_at,
    is_repost: p.is_repost ? (1 as const) : (0 as const),
    url: p.url,
    text_length: p.text_length,
  }));
  const inserted: { channel_id: number; published_at: number }[] = [];
  for (const chunk of chunkForInsert(trx, postRows)) {
    inserted.push(
      ...(await trx
        .insertInto('posts')
        .values(chunk)
        .onConflict((oc) => oc.columns(['channel_id', 'post_id']).doNothing())
        .returning(['channel_id', 'published_at'])
        .execute()),
    );
  }
  // The activity aggregate counts posts of channels whose posting is known: save their state first.
  await applyPostActivity(trx, inserted);
  const views = posts
    .filter((p) => p.views !== null)
    .map((p) => ({
      channel_id: p.channel_id,
      post_id: p.post_id,
      observed_at: p.observed_at,
      age_hours: Math.max(0, Math.floor((p.observed_at - p.published_at) / 3_600_000)),
      views: p.views as number,
    }));
  for (const chunk of chunkForInsert(trx, views)) {
    await trx
      .insertInto('post_observations')
      .values(chunk)
      .onConflict((oc) => oc.columns(['channel_id', 'post_id', 'observed_at']).doNothing())
      .execute();
  }
}
