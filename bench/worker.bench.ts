/**
 * bench/worker: the memory of one bare `ohvat worker` process over a whole scaled-mode cycle.
 * The MAX emulator runs as its own process (N channels, 30 requests/s per token); the register is the demo's
 * (`seedDemo`: every world channel, a tenth without a chat id, so read from public pages) in a SQLite file;
 * `ohvat scheduler --once` enqueues every due channel on Redis (a prefix of its own) and one `ohvat worker`
 * (default concurrency 32, production limits: 30 Bot API requests/s through the Redis limiter, 20 pages/s)
 * collects them all — audience, posts of the channels where the bot is an administrator, page profiles.
 * The worker's resident memory is sampled every 250 ms from /proc/<pid>/status (VmRSS) and its peak
 * (VmHWM) read when the run has finished, before the worker is stopped.
 *
 *   npx tsx bench/worker.bench.ts                          # N = 5,000
 *   OHVAT_BENCH_SCALE=0.2 npx tsx bench/worker.bench.ts    # N = 1,000
 *
 * Redis: OHVAT_TEST_REDIS_URL, else redis://127.0.0.1:6379. Prints the figures as JSON.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectQueue, redisConnection } from '../src/collect/collect.queue.ts';
import { seedDemo } from '../src/collect/demo.service.ts';
import { testEnv } from '../src/config/config.ts';
import { createWorld } from '../src/emulator/world.ts';
import { openStore } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrator.ts';

const N = Math.round(5_000 * Number(testEnv('OHVAT_BENCH_SCALE') ?? '1'));
const RATE = 30;
const PAGE_RATE = 20;
const CONCURRENCY = 32;
const SEED = 7;
const TOKEN = 'bench-worker-token-00000000000000';
const REDIS_URL = testEnv('OHVAT_TEST_REDIS_URL') ?? 'redis://127.0.0.1:6379';
const BIN = 'bin/ohvat.js';

const MB = 1024 * 1024;
const log = (text: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);

/** CPU time (user + system) a process has used, in seconds. */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** VmRSS and VmHWM of a process, in bytes. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** SIGTERM, and SIGKILL when the process has not exited 10 s later. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited(child);
  clearTimeout(timer);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ohvat-bench-worker-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const emulator = spawn(
    process.execPath,
    [BIN, 'emulator', '--port', String(port), '--channels', String(N), '--seed', String(SEED)].concat([
      '--token',
      TOKEN,
      '--rate',
      String(RATE),
    ]),
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => emulator.stdout!.once('data', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const dbUrl = `sqlite:${join(dir, 'ohvat.db')}`;
  const store = openStore(dbUrl);
  const prefix = `bench-worker-${Date.now().toString(36)}`;
  const connection = redisConnection(REDIS_URL);
  const queue = collectQueue(connection, prefix);
  const children: ChildProcess[] = [emulator];
  try {
    await migrateToLatest(store.db);
    const seeded = await seedDemo(store.db, createWorld({ seed: SEED, channels: N }), { historyDays: 0 });
    log(`register: ${seeded?.channels ?? 0} channels`);
    // The children's whole environment: the product's configuration, nothing inherited.
    const env = {
      OHVAT_DATABASE_URL: dbUrl,
      OHVAT_REDIS_URL: REDIS_URL,
      OHVAT_REDIS_PREFIX: prefix,
      OHVAT_MAX_API_URL: url,
      OHVAT_MAX_PUBLIC_URL: url,
      OHVAT_MAX_TOKEN: TOKEN,
      OHVAT_MAX_RATE: String(RATE),
      OHVAT_MAX_PAGE_RATE: String(PAGE_RATE),
      OHVAT_LOG_LEVEL: 'warn',
    };
    const ohvat = (...args: string[]) => {
      const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'inherit', 'inherit'] });
      children.push(child);
      return child;
    };
    const worker = ohvat('worker', '--concurrency', String(CONCURRENCY));
    const workerPid = worker.pid!;
    await fetch(`${url}/_emulator/stats/reset`, { method: 'POST' });
    const scheduled = await exited(ohvat('scheduler', '--once'));
    if (scheduled !== 0) throw new Error(`ohvat scheduler --once exited with ${scheduled}`);
    const run = await store.db
      .selectFrom('collection_runs')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    log(`run ${run.id}: ${run.channels_total} channels enqueued`);
    const idle = memoryOf(workerPid).rss;
    const cpuBefore = cpuSecondsOf(workerPid);
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(memoryOf(workerPid).rss), 250);
    const started = performance.now();
    let lastLog = 0;
    let finished = run;
    try {
      for (;;) {
        finished = await store.db
          .selectFrom('collection_runs')
          .selectAll()
          .where('id', '=', run.id)
          .executeTakeFirstOrThrow();
        if (finished.status === 'finished') break;
        if (worker.exitCode !== null) throw new Error(`the worker exited with ${worker.exitCode}`);
        if (performance.now() - lastLog > 30_000) {
          lastLog = performance.now();
          const rss = Math.round(memoryOf(workerPid).rss / MB);
          log(
            `${finished.channels_ok + finished.channels_failed}/${finished.channels_total}, worker ${rss} MB`,
          );
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - started) / 1000;
    const memory = memoryOf(workerPid);
    const cpu = cpuSecondsOf(workerPid) - cpuBefore;
    const emulatorPeak = memoryOf(emulator.pid!).peak;
    const stats = (await (await fetch(`${url}/_emulator/stats`)).json()) as {
      tokens: Record<string, { accepted: number; limited: number }>;
    };
    const bot = Object.values(stats.tokens)[0] ?? { accepted: 0, limited: 0 };
    const sorted = [...samples].sort((a, b) => a - b);
    const result = {
      date: new Date().toISOString().slice(0, 10),
      channels: run.channels_total,
      ok: finished.channels_ok,
      failed: finished.channels_failed,
      errorsByKind: finished.errors_by_kind,
      botApiRequests: bot.accepted,
      botApi429: bot.limited,
      cycleSeconds: Math.round(seconds),
      workerCpuSeconds: Number(cpu.toFixed(1)),
      workerIdleRssMB: Math.round(idle / MB),
      workerMedianRssMB: Math.round((sorted[Math.floor(sorted.length / 2)] ?? 0) / MB),
      workerPeakRssMB: Math.round(memory.peak / MB),
      workerFinalRssMB: Math.round(memory.rss / MB),
      emulatorPeakRssMB: Math.round(emulatorPeak / MB),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    for (const child of children.reverse()) await stop(child);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    connection.disconnect();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
