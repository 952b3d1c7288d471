/**
 * bench/collect: one collection cycle over N emulated channels at the Bot API limit.
 * Measures achieved request rate / configured limit, 429s after the first second, cycle time against
 * N / rate, and peak RSS of the collecting process and of the emulator (a separate process).
 *
 *   npx tsx bench/collect.bench.ts            # N = 20,000 (about 11 minutes at 30 req/s)
 *   OHVAT_BENCH_SCALE=0.1 npx tsx bench/collect.bench.ts   # N = 2,000
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCollectionCycle } from '../src/collect/collection.service.ts';
import { classifyCollectError, createMaxSource } from '../src/collect/max-source.ts';
import { parseConfig, testEnv } from '../src/config/config.ts';
import { createWorld } from '../src/emulator/world.ts';
import { searchTextOf } from '../src/register/channel.repository.ts';
import { openStore } from '../src/store/database.ts';
import { chunkForInsert } from '../src/store/dialect.ts';
import { migrateToLatest } from '../src/store/migrator.ts';
import type { NewChannel } from '../src/store/schema.ts';

const scale = Number(testEnv('OHVAT_BENCH_SCALE') ?? '1');
const N = Math.round(20_000 * scale);
const RATE = 30;
const SEED = 3;
const TOKEN = 'bench-token-000000000000000000';

function peakRssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ohvat-bench-collect-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const emulator = spawn(
    process.execPath,
    [
      'bin/ohvat.js',
      'emulator',
      '--port',
      String(port),
      '--channels',
      String(N),
      '--seed',
      String(SEED),
      '--token',
      TOKEN,
      '--rate',
      String(RATE),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => emulator.stdout!.once('data', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const store = openStore(`sqlite:${join(dir, 'bench.db')}`);
  await migrateToLatest(store.db);
  // The register: every world channel with its chat id (audience through the Bot API).
  const world = createWorld({ seed: SEED, channels: N });
  const now = new Date().toISOString();
  const rows: NewChannel[] = [];
  for (let i = 0; i < world.size; i += 1) {
    const r = world.registerRow(i);
    rows.push({
      ...r,
      status: 'active',
      official_confirmed: 1,
      search_text: searchTextOf(r.title, r.nickname),
      created_at: now,
      updated_at: now,
    });
  }
  for (const chunk of chunkForInsert(store.db, rows))
    await store.db.insertInto('channels').values(chunk).execute();

  const base = parseConfig({});
  const source = createMaxSource({
    ...base.max,
    apiUrl: url,
    publicPageUrl: url,
    tokens: [TOKEN],
    requestsPerSecond: RATE,
  });
  await fetch(`${url}/_emulator/stats/reset`, { method: 'POST' });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 200);
  let lastLog = 0;
  const summary = await runCollectionCycle(store.db, source, {
    mode: 'once',
    skipPosts: true,
    classify: classifyCollectError,
    apiConcurrency: 32,
    onProgress: (done, total) => {
      if (Date.now() - lastLog > 30_000) {
        lastLog = Date.now();
        process.stderr.write(`  ${done}/${total}\n`);
      }
    },
  });
  clearInterval(sampler);
  const stats = (await (await fetch(`${url}/_emulator/stats`)).json()) as {
    tokens: Record<
      string,
      { accepted: number; limited: number; perSecond: Record<string, { accepted: number; limited: number }> }
    >;
  };
  const tokenStats = Object.values(stats.tokens)[0]!;
  const seconds = Object.keys(tokenStats.perSecond)
    .map(Number)
    .sort((a, b) => a - b);
  const first = seconds[0] ?? 0;
  const limitedAfterFirst = seconds
    .filter((s) => s > first)
    .reduce((n, s) => n + (tokenStats.perSecond[String(s)]?.limited ?? 0), 0);
  const maxPerSecond = Math.max(...seconds.map((s) => tokenStats.perSecond[String(s)]!.accepted));
  const emulatorRss = peakRssOf(emulator.pid!);
  emulator.kill('SIGTERM');
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  const duration = summary.durationMs / 1000;
  const ideal = summary.requests / RATE;
  const result = {
    channels: N,
    requests: summary.requests,
    ok: summary.channels_ok,
    failed: summary.channels_failed,
    seconds: Number(duration.toFixed(1)),
    idealSeconds: Number(ideal.toFixed(1)),
    cycleVsIdeal: Number((duration / (N / RATE)).toFixed(3)),
    achievedRate: Number((summary.requests / duration).toFixed(2)),
    achievedOverLimit: Number((summary.requests / duration / RATE).toFixed(3)),
    emulatorAccepted: tokenStats.accepted,
    limitedAfterFirstSecond: limitedAfterFirst,
    maxAcceptedPerSecond: maxPerSecond,
    collectorPeakRssMB: Math.round(peakRss / 1048576),
    emulatorPeakRssMB: Math.round(emulatorRss / 1048576),
  };
  console.log(JSON.stringify(result, null, 2));
}

await main();
