import type { Kysely } from 'kysely';
import type { Logger } from '../shared/logger.ts';
import type { DB } from '../store/schema.ts';
import {
  type ClassifiedError,
  type CollectOptions,
  collectChannel,
  type MaxSource,
} from './channel-collector.ts';
import { type DueChannel, ensureChannelStates, selectAllDueChannels } from './channel-state.repository.ts';
import { finishRun, type RunCounters, startRun } from './collection-run.repository.ts';
import { ResultWriter } from './result.writer.ts';
import { DEFAULT_SCHEDULE, priorityOf, type SchedulePolicy } from './schedule.policy.ts';

/**
 * One collection cycle in this process: every channel due at the cycle's start is collected once. Channels
 * with a chat id go through the Bot API (paced by the Bot API limiter inside the source, so `apiConcurrency`
 * only has to cover network latency); channels known only by nickname go through the public page reader in
 * a small pool of their own, so its slow polite pace never holds the Bot API back.
 */

export interface CycleOptions {
  mode: 'embedded' | 'once' | 'scaled';
  policy?: SchedulePolicy;
  classify: (error: unknown) => ClassifiedError;
  apiConcurrency?: number;
  pageConcurrency?: number;
  /** Collect every channel, due or not. */
  all?: boolean;
  /** Audience figures only: no post reads in this cycle (one request per channel). */
  skipPosts?: boolean;
  /** Called after each stored batch: (channels done, channels total). */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  logger?: Logger;
  now?: () => number;
  note?: string;
}

export interface CycleSummary extends RunCounters {
  runId: number;
  total: number;
  durationMs: number;
  status: 'finished' | 'interrupted';
}

export async function runCollectionCycle(
  db: Kysely<DB>,
  source: MaxSource,
  options: CycleOptions,
): Promise<CycleSummary> {
  const now = options.now ?? Date.now;
  const started = now();
  await ensureChannelStates(db);
  const due = await selectAllDueChannels(db, options.all ? Number.MAX_SAFE_INTEGER : started);
  // Most important first (regional governments, flagship pages), then the most stale.
  due.sort((a, b) => priorityOf(a) - priorityOf(b) || a.next_due_at - b.next_due_at || a.id - b.id);
  const runId = await startRun(db, options.mode, due.length, options.note);
  let done = 0;
  const writer = new ResultWriter(db, {
    onFlushed: (results) => {
      done += results.length;
      options.onProgress?.(done, due.length);
    },
  });
  const collectOptions: CollectOptions = {
    now,
    policy: options.policy ?? DEFAULT_SCHEDULE,
    classify: options.classify,
    readPosts: options.skipPosts !== true,
  };
  const viaApi = due.filter((c) => c.chat_id !== null && source.hasBotApi);
  const viaPage = due.filter((c) => !(c.chat_id !== null && source.hasBotApi));
  const pool = async (queue: DueChannel[], size: number) => {
    let next = 0;
    const worker = async () => {
      while (next < queue.length && !options.signal?.aborted) {
        const channel = queue[next++]!;
        const result = await collectChannel(source, channel, collectOptions);
        await writer.add(result, runId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(size, queue.length) }, worker));
  };
  options.onProgress?.(0, due.length);
  try {
    await Promise.all([
      pool(viaApi, options.apiConcurrency ?? 32),
      pool(viaPage, options.pageConcurrency ?? 2),
    ]);
    await writer.flush();
  } catch (error) {
    await finishRun(db, runId, 'interrupted');
    throw error;
  }
  const status = options.signal?.aborted ? 'interrupted' : 'finished';
  await finishRun(db, runId, status);
  options.logger?.info({ runId, total: due.length, ...writer.totals }, 'collection cycle done');
  return { runId, total: due.length, durationMs: now() - started, status, ...writer.totals };
}

/**
 * The embedded scheduler: runs a cycle whenever channels are due, sleeping in between, until stopped.
 */
export class EmbeddedScheduler {
  private stopped = false;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly source: MaxSource,
    private readonly options: Omit<CycleOptions, 'mode' | 'signal'> & { idleMs?: number },
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const summary = await runCollectionCycle(this.db, this.source, {
          ...this.options,
          mode: 'embedded',
          signal: this.abort.signal,
        });
        if (summary.total > 0) continue;
      } catch (error) {
        this.options.logger?.error({ err: error }, 'collection cycle failed');
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.options.idleMs ?? 10_000);
        this.abort.signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop;
  }
}
