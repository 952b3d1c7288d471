import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Logger } from '../shared/logger.ts';
import type { DB } from '../store/schema.ts';
import { type ClassifiedError, collectChannel, type MaxSource } from './channel-collector.ts';
import {
  type DueChannel,
  ensureChannelStates,
  findDueChannel,
  selectAllDueChannels,
} from './channel-state.repository.ts';
import { startRun } from './collection-run.repository.ts';
import { ResultWriter } from './result.writer.ts';
import { DEFAULT_SCHEDULE, priorityOf, type SchedulePolicy } from './schedule.policy.ts';

/**
 * Scaled collection over BullMQ on Redis. `ohvat scheduler` enqueues one job per due channel (job id =
 * channel + its due time, so enqueuing twice is a no-op); any number of `ohvat worker` processes on any
 * machines take jobs, share one Redis rate limit per bot token, and complete a job only after its result is
 * stored. A worker that dies holds its jobs' locks until they expire; BullMQ then hands them to another
 * worker (stalled-job recovery), and the observation key makes the repeat harmless.
 */

export const COLLECT_QUEUE = 'ohvat-collect';

export interface CollectJob {
  channelId: number;
  runId: number | null;
}

export function redisConnection(url: string): Redis {
  // BullMQ requires maxRetriesPerRequest: null for blocking commands.
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

export interface EnqueueResult {
  runId: number | null;
  enqueued: number;
}

/** Puts every channel due now (and not already queued) on the queue, as one run. */
export async function enqueueDueChannels(
  db: Kysely<DB>,
  queue: Queue<CollectJob>,
  options: { now?: number; all?: boolean; note?: string } = {},
): Promise<EnqueueResult> {
  const now = options.now ?? Date.now();
  await ensureChannelStates(db);
  const due = await selectAllDueChannels(db, options.all ? Number.MAX_SAFE_INTEGER : now);
  const fresh: DueChannel[] = [];
  for (let i = 0; i < due.length; i += 1000) {
    const slice = due.slice(i, i + 1000);
    const existing = await Promise.all(slice.map((c) => queue.getJob(jobIdOf(c))));
    slice.forEach((c, j) => {
      const job = existing[j];
      if (!job) fresh.push(c);
    });
  }
  if (fresh.length === 0) return { runId: null, enqueued: 0 };
  const runId = await startRun(db, 'scaled', fresh.length, options.note);
  for (let i = 0; i < fresh.length; i += 1000) {
    await queue.addBulk(
      fresh.slice(i, i + 1000).map((c) => ({
        name: 'collect',
        data: { channelId: c.id, runId },
        opts: {
          jobId: jobIdOf(c),
          priority: priorityOf(c),
          attempts: 5,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: { age: 3600, count: 100_000 },
          removeOnFail: { age: 24 * 3600 },
        },
      })),
    );
  }
  return { runId, enqueued: fresh.length };
}

function jobIdOf(c: DueChannel): string {
  return `ch-${c.id}-${c.next_due_at}`;
}

export interface WorkerOptions {
  concurrency?: number;
  classify: (error: unknown) => ClassifiedError;
  policy?: SchedulePolicy;
  logger?: Logger;
  /** Redis key prefix (config `redisPrefix`). */
  prefix?: string;
  /** Lock time of an active job; a dead worker's jobs return to the queue after it (test: short). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/** A collector worker: takes jobs, collects, stores in batches, completes jobs once stored. */
export function startCollectWorker(
  db: Kysely<DB>,
  source: MaxSource,
  connection: Redis,
  options: WorkerOptions,
): { worker: Worker<CollectJob>; writer: ResultWriter; close: () => Promise<void> } {
  const writer = new ResultWriter(db, { batchSize: 100, maxDelayMs: 500 });
  const policy = options.policy ?? DEFAULT_SCHEDULE;
  const worker = new Worker<CollectJob>(
    COLLECT_QUEUE,
    async (job: Job<CollectJob>) => {
      const channel = await findDueChannel(db, job.data.channelId);
      if (!channel) return { skipped: 'channel gone' };
      const result = await collectChannel(source, channel, {
        now: Date.now,
        policy,
        classify: options.classify,
      });
      await writer.add(result, job.data.runId);
      return { ok: result.ok };
    },
    {
      connection,
      prefix: `${options.prefix ?? 'ohvat'}:bull`,
      concurrency: options.concurrency ?? 32,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: 5,
    },
  );
  worker.on('failed', (job, error) =>
    options.logger?.warn({ jobId: job?.id, err: error }, 'collect job failed'),
  );
  return {
    worker,
    writer,
    close: async () => {
      await worker.close();
      await writer.flush();
    },
  };
}

export function collectQueue(connection: Redis, prefix = 'ohvat'): Queue<CollectJob> {
  return new Queue<CollectJob>(COLLECT_QUEUE, { connection, prefix: `${prefix}:bull` });
}
