import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectQueue, enqueueDueChannels, redisConnection } from '../src/collect/collect.queue.ts';
import { seedDemo } from '../src/collect/demo.service.ts';
import { startEmulator } from '../src/emulator/emulator.server.ts';
import { openStore } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrator.ts';
import { REDIS_URL } from './helpers/redis.ts';

/**
 * Scaled collection end to end: three `ohvat worker` processes share one Redis queue and one Redis rate
 * limit against the emulator; one is killed with SIGKILL mid-cycle; the cycle still finishes, every channel
 * has exactly one observation, and the emulator never saw more than the limit.
 */

const BIN = new URL('../bin/ohvat.js', import.meta.url).pathname;

describe('BullMQ workers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ohvat-workers-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('three workers stay under the shared limit, and a killed worker loses nothing', async () => {
    const token = `workers-token-${Date.now()}-0000000`;
    const rate = 30;
    const emulator = await startEmulator({
      host: '127.0.0.1',
      port: 0,
      seed: 5,
      channels: 180,
      tokens: [token],
      rateLimit: rate,
      pageRateLimit: 1000,
    });
    const dbUrl = `sqlite:${join(dir, 'ohvat.db')}`;
    const store = openStore(dbUrl);
    await migrateToLatest(store.db);
    await seedDemo(store.db, emulator.world, { historyDays: 0 });
    const prefix = `test-${Date.now().toString(36)}`;
    const env = {
      ...process.env,
      OHVAT_DATABASE_URL: dbUrl,
      OHVAT_REDIS_URL: REDIS_URL,
      OHVAT_REDIS_PREFIX: prefix,
      OHVAT_MAX_API_URL: emulator.url,
      OHVAT_MAX_PUBLIC_URL: emulator.url,
      OHVAT_MAX_TOKEN: token,
      OHVAT_MAX_RATE: String(rate),
      OHVAT_MAX_PAGE_RATE: '20',
      OHVAT_MAX_TIMEOUT_MS: '2000',
      OHVAT_LOG_LEVEL: 'warn',
    };
    const worker = () => {
      const child = spawn(process.execPath, [BIN, 'worker', '--concurrency', '16', '--lock-ms', '2000'], {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(child);
      return child;
    };
    const workers = [worker(), worker(), worker()];
    const connection = redisConnection(REDIS_URL);
    const queue = collectQueue(connection, prefix);
    try {
      const { runId, enqueued } = await enqueueDueChannels(store.db, queue);
      expect(runId).not.toBeNull();
      const channels = await store.db.selectFrom('channels').select('id').execute();
      expect(enqueued).toBe(channels.length);
      // Kill one worker once collection is under way.
      const deadline = Date.now() + 120_000;
      let killed = false;
      for (;;) {
        const run = await store.db
          .selectFrom('collection_runs')
          .selectAll()
          .where('id', '=', runId!)
          .executeTakeFirstOrThrow();
        const done = run.channels_ok + run.channels_failed;
        if (!killed && done >= 20) {
          workers[0]!.kill('SIGKILL');
          killed = true;
        }
        if (run.status === 'finished') break;
        if (Date.now() > deadline) throw new Error(`run not finished: ${done}/${run.channels_total}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(killed).toBe(true);
      // Exactly one observation per channel for which MAX gave a figure; none twice.
      const perChannel = await store.db
        .selectFrom('observations')
        .select(['channel_id', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('channel_id')
        .execute();
      expect(perChannel.every((r) => Number(r.n) === 1)).toBe(true);
      const states = await store.db
        .selectFrom('channel_state')
        .select(['channel_id', 'last_success_at', 'last_error_kind'])
        .execute();
      const observed = new Set(perChannel.map((r) => r.channel_id));
      for (const s of states) {
        if (s.last_success_at !== null) expect(observed.has(s.channel_id)).toBe(true);
        else expect(s.last_error_kind).toMatch(/not_found|chat_removed|page_private|forbidden/);
      }
      expect(observed.size).toBeGreaterThan(150);
      // The emulator's own count: it never had to refuse a request (its bucket holds `rate` and refills at
      // `rate` a second, as MAX's limit). And the pace held over every stretch of k consecutive calendar
      // seconds: at most rate·k, plus one bucket, plus one second for requests paced for one second that
      // arrive in the next on a busy machine. Without the shared limit three workers would go far above it.
      const stats = emulator.stats();
      const mine = Object.values(stats.tokens)[0]!;
      const counts = new Map(Object.entries(mine.perSecond).map(([s, c]) => [Number(s), c.accepted]));
      expect(mine.limited).toBe(0);
      const seconds = [...counts.keys()];
      const [first, last] = [Math.min(...seconds), Math.max(...seconds)];
      for (let from = first; from <= last; from++) {
        let accepted = 0;
        for (let to = from; to <= last; to++) {
          accepted += counts.get(to) ?? 0;
          expect(accepted).toBeLessThanOrEqual(rate * (to - from + 1) + 2 * rate);
        }
      }
      expect(mine.accepted).toBeGreaterThan(150);
    } finally {
      for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      connection.disconnect();
      await store.close();
      await emulator.close();
    }
  }, 180_000);
});
