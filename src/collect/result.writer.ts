import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { ChannelResult } from './channel-collector.ts';
import { saveStatesInTransaction } from './channel-state.repository.ts';
import { addToRun, finishRunIfComplete, type RunCounters } from './collection-run.repository.ts';
import { writeObservations, writePosts } from './observation.repository.ts';

/**
 * Writes collection results in batches: observations (with the daily read model), posts and channel states
 * of a batch go in ONE transaction, so a crash or kill leaves each channel either fully recorded or due
 * again. `add` resolves only once its result is durably stored: a BullMQ job completes after that, so a
 * killed worker's unfinished jobs are retried and nothing is lost (the observation key makes retries
 * harmless).
 */
export class ResultWriter {
  private pending: {
    result: ChannelResult;
    runId: number | null;
    done: () => void;
    fail: (error: unknown) => void;
  }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  readonly totals: RunCounters = emptyCounters();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly options: {
      batchSize?: number;
      maxDelayMs?: number;
      onFlushed?: (results: ChannelResult[]) => void;
    } = {},
  ) {}

  add(result: ChannelResult, runId: number | null): Promise<void> {
    return new Promise((done, fail) => {
      this.pending.push({ result, runId, done, fail });
      if (this.pending.length >= (this.options.batchSize ?? 200)) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.options.maxDelayMs ?? 1000);
    });
  }

  /** Writes everything pending; resolves when it is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(() => (batch.length ? this.write(batch) : undefined));
    return this.flushing;
  }

  private async write(batch: ResultWriter['pending']): Promise<void> {
    const results = batch.map((b) => b.result);
    const byRun = new Map<number, RunCounters>();
    for (const { result, runId } of batch) {
      if (runId === null) continue;
      const c = byRun.get(runId) ?? emptyCounters();
      addResult(c, result);
      byRun.set(runId, c);
    }
    try {
      await this.db.transaction().execute(async (trx) => {
        await writeObservations(
          trx,
          results.flatMap((r) => (r.observation ? [r.observation] : [])),
        );
        // States first: posts count in the activity aggregate once the channel's posting is known.
        await saveStatesInTransaction(
          trx,
          results.map((r) => r.state),
        );
        await writePosts(
          trx,
          results.flatMap((r) =>
            r.posts.map((p) => ({
              channel_id: p.channelId,
              post_id: p.postId,
              published_at: p.publishedAt,
              is_repost: p.isRepost,
              url: p.url,
              text_length: p.textLength,
              observed_at: p.observedAt,
              views: p.views,
            })),
          ),
        );
      });
      for (const [runId, c] of byRun) {
        await addToRun(this.db, runId, c);
        await finishRunIfComplete(this.db, runId);
      }
    } catch (error) {
      for (const b of batch) b.fail(error);
      return;
    }
    for (const r of results) addResult(this.totals, r);
    this.options.onFlushed?.(results);
    for (const b of batch) b.done();
  }
}

function emptyCounters(): RunCounters {
  return {
    channels_ok: 0,
    channels_failed: 0,
    requests: 0,
    page_requests: 0,
    rate_limited: 0,
    errors_by_kind: {},
  };
}

function addResult(c: RunCounters, r: ChannelResult): void {
  if (r.ok) c.channels_ok += 1;
  else c.channels_failed += 1;
  c.requests += r.requests;
  c.page_requests += r.pageRequests;
  if (r.error) c.errors_by_kind[r.error.kind] = (c.errors_by_kind[r.error.kind] ?? 0) + 1;
}
