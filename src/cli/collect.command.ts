import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import {
  collectQueue,
  enqueueDueChannels,
  redisConnection,
  startCollectWorker,
} from '../collect/collect.queue.ts';
import { runCollectionCycle } from '../collect/collection.service.ts';
import { classifyCollectError, createMaxSource } from '../collect/max-source.ts';
import type { Config } from '../config/config.ts';
import { createAppContext } from '../shared/app-context.ts';
import { ValidationError } from '../shared/errors.ts';
import { favourMemoryOverSpeed } from '../shared/heap.ts';

function progressBar(label: string): { update(done: number, total: number): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
    });
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, done);
          started = true;
        } else bar.update(done);
      },
      stop: () => bar.stop(),
    };
  }
  let lastTenth = -1;
  return {
    update(done, total) {
      const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`${label}: ${done}/${total}\n`);
      }
    },
    stop() {},
  };
}

export function registerCollectCommands(program: Command, config: () => Config): void {
  program
    .command('collect')
    .description('Собрать аудиторию каналов один раз / run one collection cycle')
    .option('--once', 'one cycle over the channels due now, then exit (default)', true)
    .option('--all', 'collect every channel, due or not')
    .option('--skip-posts', 'audience figures only, no post reads (one request per channel)')
    .action(async (options: { all?: boolean; skipPosts?: boolean }) => {
      const ctx = await createAppContext(config());
      const source = createMaxSource(ctx.config.max);
      const bar = progressBar('Сбор / collecting');
      try {
        const summary = await runCollectionCycle(ctx.store.db, source, {
          mode: 'once',
          all: options.all === true,
          skipPosts: options.skipPosts === true,
          classify: classifyCollectError,
          onProgress: (done, total) => bar.update(done, total),
          apiConcurrency: Math.max(
            8,
            Math.ceil(ctx.config.max.requestsPerSecond * ctx.config.max.tokens.length),
          ),
        });
        bar.stop();
        const seconds = summary.durationMs / 1000;
        console.log(
          [
            `Запуск / run #${summary.runId}: ${summary.total} каналов / channels за / in ${seconds.toFixed(1)} с`,
            `  успешно / ok: ${summary.channels_ok}, ошибок / failed: ${summary.channels_failed}`,
            `  запросов к API / API requests: ${summary.requests} (${seconds > 0 ? (summary.requests / seconds).toFixed(1) : '0'}/с), повторов из-за 429 / 429 retries: ${source.stats.rateLimited}`,
            `  публичных страниц / public pages: ${summary.page_requests}`,
            ...Object.entries(summary.errors_by_kind).map(([k, n]) => `  ${k}: ${n}`),
          ].join('\n'),
        );
        if (summary.channels_failed > 0 && summary.channels_ok === 0 && summary.total > 0)
          process.exitCode = 1;
      } finally {
        bar.stop();
        await ctx.close();
      }
    });

  program
    .command('scheduler')
    .description(
      'Ставить каналы в очередь сбора (Redis) / enqueue due channels for workers (needs OHVAT_REDIS_URL)',
    )
    .option('--interval <seconds>', 'how often to look for due channels', '10')
    .option('--once', 'enqueue once and exit')
    .action(async (options: { interval: string; once?: boolean }) => {
      const cfg = config();
      if (!cfg.redisUrl) throw new ValidationError('OHVAT_REDIS_URL is not set: the scheduler needs Redis');
      const ctx = await createAppContext(cfg);
      const connection = redisConnection(cfg.redisUrl);
      const queue = collectQueue(connection, cfg.redisPrefix);
      const stop = async () => {
        await queue.close();
        connection.disconnect();
        await ctx.close();
      };
      const tick = async () => {
        const { runId, enqueued } = await enqueueDueChannels(ctx.store.db, queue);
        if (enqueued > 0) ctx.logger.info({ runId, enqueued }, 'channels enqueued');
      };
      if (options.once) {
        await tick();
        await stop();
        return;
      }
      let running = true;
      process.once('SIGTERM', () => (running = false));
      process.once('SIGINT', () => (running = false));
      while (running) {
        await tick().catch((error: unknown) => ctx.logger.error({ err: error }, 'enqueue failed'));
        await new Promise((r) => setTimeout(r, Number(options.interval) * 1000));
      }
      await stop();
    });

  program
    .command('worker')
    .description('Сборщик: брать задания из очереди Redis / collector worker taking jobs from Redis')
    .option('--concurrency <n>', 'jobs in flight', '32')
    .option('--lock-ms <ms>', "job lock: a dead worker's jobs return to the queue after it", '30000')
    .action(async (options: { concurrency: string; lockMs: string }) => {
      const cfg = config();
      if (!cfg.redisUrl) throw new ValidationError('OHVAT_REDIS_URL is not set: the worker needs Redis');
      const ctx = await createAppContext(cfg);
      const connection = redisConnection(cfg.redisUrl);
      const limiterRedis = redisConnection(cfg.redisUrl);
      const source = createMaxSource(cfg.max, { redis: limiterRedis, redisPrefix: cfg.redisPrefix });
      const worker = startCollectWorker(ctx.store.db, source, connection, {
        concurrency: Number(options.concurrency),
        classify: classifyCollectError,
        logger: ctx.logger,
        prefix: cfg.redisPrefix,
        lockDurationMs: Number(options.lockMs),
        stalledIntervalMs: Math.max(1000, Number(options.lockMs)),
      });
      // Everything is loaded; the worker waits on its rate limit, not on the CPU: keep its heap small.
      favourMemoryOverSpeed();
      ctx.logger.info({ concurrency: Number(options.concurrency) }, 'collector worker started');
      const shutdown = async () => {
        await worker.close();
        connection.disconnect();
        limiterRedis.disconnect();
        await ctx.close();
      };
      process.once('SIGTERM', () => void shutdown());
      process.once('SIGINT', () => void shutdown());
    });
}
