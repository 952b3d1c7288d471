import type { Kysely, Transaction } from 'kysely';
import type { CollectionRun, DB } from '../store/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface RunCounters {
  channels_ok: number;
  channels_failed: number;
  /** Bot API requests. */
  requests: number;
  /** Public page reads. */
  page_requests: number;
  rate_limited: number;
  errors_by_kind: Record<string, number>;
}

export async function startRun(db: Db, mode: string, channelsTotal: number, note?: string): Promise<number> {
  const row = await db
    .insertInto('collection_runs')
    .values({
      mode,
      status: 'running',
      started_at: Date.now(),
      channels_total: channelsTotal,
      note: note ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Adds counters to a run (several workers may report into one run; increments are atomic). */
export async function addToRun(db: Db, runId: number, delta: RunCounters): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const run = await trx
      .selectFrom('collection_runs')
      .select(['errors_by_kind'])
      .where('id', '=', runId)
      .executeTakeFirst();
    if (!run) return;
    const errors = JSON.parse(run.errors_by_kind) as Record<string, number>;
    for (const [kind, n] of Object.entries(delta.errors_by_kind)) errors[kind] = (errors[kind] ?? 0) + n;
    await trx
      .updateTable('collection_runs')
      .set((eb) => ({
        channels_ok: eb('channels_ok', '+', delta.channels_ok),
        channels_failed: eb('channels_failed', '+', delta.channels_failed),
        requests: eb('requests', '+', delta.requests),
        page_requests: eb('page_requests', '+', delta.page_requests),
        rate_limited: eb('rate_limited', '+', delta.rate_limited),
        errors_by_kind: JSON.stringify(errors),
      }))
      .where('id', '=', runId)
      .execute();
  });
}

export async function finishRun(
  db: Db,
  runId: number,
  status: 'finished' | 'failed' | 'interrupted',
): Promise<void> {
  await db
    .updateTable('collection_runs')
    .set({ status, finished_at: Date.now() })
    .where('id', '=', runId)
    .execute();
}

export async function listRuns(
  db: Db,
  limit = 50,
  offset = 0,
): Promise<{ items: CollectionRun[]; total: number }> {
  const [items, count] = await Promise.all([
    db.selectFrom('collection_runs').selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute(),
    db
      .selectFrom('collection_runs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

export async function findRun(db: Db, id: number): Promise<CollectionRun | undefined> {
  return db.selectFrom('collection_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Runs left 'running' by a process that died are marked interrupted at the next start. */
export async function markStaleRunsInterrupted(db: Db, olderThanMs: number): Promise<number> {
  const result = await db
    .updateTable('collection_runs')
    .set({ status: 'interrupted', finished_at: Date.now() })
    .where('status', '=', 'running')
    .where('started_at', '<', Date.now() - olderThanMs)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Marks a run finished once every channel it counted has a result (scaled mode: workers report in). */
export async function finishRunIfComplete(db: Db, runId: number): Promise<boolean> {
  const result = await db
    .updateTable('collection_runs')
    .set({ status: 'finished', finished_at: Date.now() })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .where((eb) => eb(eb('channels_ok', '+', eb.ref('channels_failed')), '>=', eb.ref('channels_total')))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
