/**
 * bench/rating: ratings, a region summary and the overview over N channels × 365 days in the daily read model
 * (N = 250,000 × OHVAT_BENCH_SCALE), on SQLite and (with OHVAT_TEST_PG_URL) PostgreSQL, side by side with
 * DuckDB computing the same tables from the same daily rows; the ingest rate of observations through the
 * product path (`recordObservations`, read model included) against a raw prepared-statement insert loop; and
 * the peak RSS of a server process answering the dashboard's requests on that database.
 *
 *   npx tsx bench/rating.bench.ts                          # N = 250,000 (long: see bench/RESULTS.md)
 *   OHVAT_BENCH_SCALE=0.1 npx tsx bench/rating.bench.ts    # N = 25,000
 *
 * Results are printed as JSON and written to bench/RESULTS.md (section «Ratings»: a table with the goals
 * of issue 4, then the JSON).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { sql } from 'kysely';
import pg from 'pg';
import { moscowDayStart } from '../src/analytics/calendar.ts';
import { overview } from '../src/analytics/overview.service.ts';
import { computeRating, type RatingResult } from '../src/analytics/rating.service.ts';
import { clearFiguresCache, regionSummary } from '../src/analytics/region-summary.service.ts';
import { recordObservations } from '../src/collect/observation.repository.ts';
import { testEnv } from '../src/config/config.ts';
import { regionsWithPopulationAt } from '../src/register/region.repository.ts';
import { openStore, type Store } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrator.ts';
import { CHECKSUM_SQL, LAST_DAY, loadDuckDb, loadStore } from './rating-data.ts';
import {
  compareSummary,
  DUCK_DIALOG,
  DUCK_NETWORK,
  type DuckSummary,
  duckRows,
  duckSummary,
} from './rating-duck.ts';
import { type BenchResult, resultsTable } from './rating-report.ts';

const scale = Number(testEnv('OHVAT_BENCH_SCALE') ?? '1');
const N = Math.max(200, Math.round(250_000 * scale));
const PG_URL = testEnv('OHVAT_TEST_PG_URL');
/** Channels per ingest round (four rounds on disjoint channels). */
const ROUND = Math.min(Math.floor(N / 4), 25_000);
const BATCH = 200;

/** Milliseconds since t0, to 0.01 ms. */
const ms = (t0: number) => Math.round((performance.now() - t0) * 100) / 100;
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  return { ms: ms(t0), value };
}
/** The middle value (the upper one of an even count), sorting `xs` in place. */
const middle = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/**
 * Median time of `work` in a steady state, the same way for DuckDB and for ours: warm-up runs (at least one,
 * up to 200 within two seconds: V8 optimises a function only after many calls, and a running server has its
 * code optimised and its caches warm), then timed runs — at least three, more (up to 101) while they fit in two
 * seconds.
 */
async function median(work: () => Promise<unknown>): Promise<number> {
  const warm = performance.now();
  let n = 0;
  do {
    await work();
    n++;
  } while (n < 200 && performance.now() - warm < 2000);
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || (times.length < 101 && performance.now() - start < 2000)) {
    times.push((await timed(work)).ms);
  }
  return middle(times);
}
/** The DuckDB queries a store is timed against (run in the same minutes as the store's own, see `paired`). */
interface DuckWork {
  dialog: () => Promise<unknown>;
  network: () => Promise<unknown>;
  summary: () => Promise<unknown>;
}
/** Rounds of `paired`. */
const PAIRED_ROUNDS = 3;
/**
 * Medians of ours and of DuckDB's `work`, alternated (DuckDB, ours, DuckDB, ours…) and each the middle of
 * PAIRED_ROUNDS steady-state medians: on shared cores the same query's time drifts by up to 2× over minutes,
 * so each ratio compares times taken in the same minutes.
 */
async function paired(ours: () => Promise<unknown>, duck: () => Promise<unknown>) {
  const o: number[] = [];
  const d: number[] = [];
  for (let round = 0; round < PAIRED_ROUNDS; round++) {
    d.push(await median(duck));
    o.push(await median(ours));
  }
  return { ours: middle(o), duck: middle(d) };
}
const log = (text: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);

/** Starts a server process on the database, sends the dashboard's requests, returns its peak RSS and times. */
async function serverPeak(url: string, schema: string | undefined) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/rating-server.ts', url, schema ?? ''], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve) =>
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  const base = `http://127.0.0.1:${port}`;
  const times: Record<string, number> = {};
  const get = async (name: string, path: string, init?: RequestInit) => {
    const t0 = performance.now();
    const response = await fetch(`${base}${path}`, init);
    const text = await response.text();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${text.slice(0, 300)}`);
    times[name] = ms(t0);
    return text;
  };
  await get('dialog', `/api/ratings?methodology=dialog-2025&date=${LAST_DAY}`);
  await get('network', `/api/ratings?methodology=network&date=${LAST_DAY}`);
  await get('overview', `/api/overview?date=${LAST_DAY}`);
  await get('regionSummary', `/api/regions/RU-MOW/summary?date=${LAST_DAY}`);
  const published = JSON.parse(
    await get('publish', '/api/ratings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ methodology: 'network', date: LAST_DAY }),
    }),
  ) as { id: number };
  await get('publishedFirst', `/api/ratings/${published.id}`);
  await get('publishedCached', `/api/ratings/${published.id}`);
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const peak = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  child.kill('SIGTERM');
  return { peakRssMB: Math.round(peak / 1048576), requestMs: times };
}

/**
 * Observations through recordObservations (read model included) against a raw prepared-statement loop that
 * only inserts them, into the same tables (observations as large as a year of collection leaves them). Four
 * rounds of ROUND channels each, alternating product, raw, product, raw, on disjoint channels (so neither
 * finds the other's pages already cached), in batches of BATCH (the collector's batch). Rates over both
 * rounds of each side.
 */
async function ingest(store: Store, pgSchema: string | undefined) {
  const at = moscowDayStart('2026-01-01') + 20 * 3_600_000;
  const text =
    'insert into observations (channel_id, source, bucket, observed_at, subscribers, messages_count) values ($1, $2, $3, $4, $5, $6)';
  const client =
    store.dialect === 'postgres'
      ? new pg.Client({ connectionString: PG_URL, options: `-c search_path=${pgSchema}` })
      : null;
  await client?.connect();
  const insert = store.sqlite?.prepare(text.replace(/\$\d/g, '?'));
  const rawBatch = store.sqlite?.transaction((slice: number[]) => {
    for (const id of slice) insert!.run(id, 'raw', at - (at % 3_600_000), at, 1_000 + id, null);
  });
  const product = async (ids: number[]) => {
    for (let i = 0; i < ids.length; i += BATCH) {
      await recordObservations(
        store.db,
        ids
          .slice(i, i + BATCH)
          .map((id) => ({ channel_id: id, source: 'bot_api', observed_at: at, subscribers: 1_000 + id })),
      );
    }
  };
  const raw = async (ids: number[]) => {
    for (let i = 0; i < ids.length; i += BATCH) {
      const slice = ids.slice(i, i + BATCH);
      if (rawBatch) {
        rawBatch(slice);
        continue;
      }
      await client!.query('begin');
      for (const id of slice) {
        await client!.query({
          name: 'raw-insert',
          text,
          values: [id, 'raw', at - (at % 3_600_000), at, 1_000 + id, null],
        });
      }
      await client!.query('commit');
    }
  };
  const times = { product: 0, raw: 0 };
  const rounds: ('product' | 'raw')[] = ['product', 'raw', 'product', 'raw'];
  for (const [round, side] of rounds.entries()) {
    const ids = Array.from({ length: ROUND }, (_, i) => round * ROUND + i + 1);
    times[side] += (await timed(() => (side === 'product' ? product(ids) : raw(ids)))).ms;
  }
  await client?.end();
  const productRate = Math.round(((2 * ROUND) / times.product) * 1000);
  const rawRate = Math.round(((2 * ROUND) / times.raw) * 1000);
  return {
    observations: 2 * ROUND,
    batch: BATCH,
    productPerSecond: productRate,
    rawPerSecond: rawRate,
    ratio: Number((productRate / rawRate).toFixed(2)),
  };
}

function compare(ours: RatingResult, duck: { code: string; place: number; score: number }[]) {
  const byCode = new Map(ours.rows.map((r) => [r.key, r]));
  let mismatches = 0;
  for (const d of duck) {
    const r = byCode.get(d.code);
    if (
      !r ||
      r.place !== d.place ||
      Math.abs((r.score ?? Number.NaN) - d.score) > 1e-6 * Math.max(1, Math.abs(d.score))
    )
      mismatches++;
  }
  return {
    ranked: duck.length,
    mismatches: mismatches + Math.abs(ours.rows.filter((r) => r.place !== null).length - duck.length),
  };
}

async function benchStore(
  name: 'sqlite' | 'postgres',
  regions: string[],
  duck: {
    dialog: Awaited<ReturnType<typeof duckRows>>;
    network: Awaited<ReturnType<typeof duckRows>>;
    summary: DuckSummary;
  },
  duckWork: DuckWork,
) {
  const dir = mkdtempSync(join(tmpdir(), 'ohvat-bench-rating-'));
  const schema = name === 'postgres' ? `bench_${randomBytes(4).toString('hex')}` : undefined;
  let url = `sqlite:${join(dir, 'bench.db')}`;
  if (name === 'postgres') {
    url = PG_URL!;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
  }
  const store = openStore(url, schema ? { schema, poolSize: 4 } : {});
  try {
    await migrateToLatest(store.db);
    log(`${name}: loading ${N} channels × 365 days`);
    const load = await timed(() => loadStore(store, N, regions));
    const checksum = (await sql.raw<{ n: number; s: number; t: number }>(CHECKSUM_SQL).execute(store.db))
      .rows[0]!;
    log(`${name}: loaded in ${load.ms} ms; timing`);
    const req = (methodology: string, previousDays: number) => () =>
      computeRating(store.db, { methodology, date: LAST_DAY, previousDays });
    const dialog = await paired(req('dialog-2025', 0), duckWork.dialog);
    const network = await paired(req('network', 0), duckWork.network);
    const summary = await paired(async () => {
      clearFiguresCache();
      await regionSummary(store.db, 'RU-MOW', { date: LAST_DAY });
    }, duckWork.summary);
    const result = {
      loadMs: load.ms,
      checksum: { n: Number(checksum.n), s: Number(checksum.s), t: Number(checksum.t) },
      dialogMs: dialog.ours,
      dialogWithChangeMs: await median(req('dialog-2025', 7)),
      networkMs: network.ours,
      networkWithChangeMs: await median(req('network', 7)),
      regionSummaryMs: summary.ours,
      /** DuckDB's times taken alternately with this store's (what the speed-ups compare against). */
      duckdbMs: { dialog: dialog.duck, network: network.duck, regionSummary: summary.duck },
      overviewMs: await median(async () => {
        clearFiguresCache();
        await overview(store.db, { date: LAST_DAY });
      }),
      matchesDuckDb: {
        dialog: compare(await req('dialog-2025', 0)(), duck.dialog),
        network: compare(await req('network', 0)(), duck.network),
      },
      summaryMatchesDuckDb: compareSummary(
        await regionSummary(store.db, 'RU-MOW', { date: LAST_DAY }),
        duck.summary,
      ),
    };
    log(`${name}: ingest`);
    const ingestResult = await ingest(store, schema);
    log(`${name}: server RSS`);
    const server = await serverPeak(url, schema);
    return { ...result, ingest: ingestResult, server };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    if (schema) {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
  }
}

function writeResults(result: BenchResult): void {
  const path = 'bench/RESULTS.md';
  const text = readFileSync(path, 'utf8');
  const section = `## Ratings (\`bench/rating.bench.ts\`)\n\n<!-- rating-bench:start -->\n${resultsTable(result)}\n\`\`\`json\n${JSON.stringify(result, null, 2)}\n\`\`\`\n<!-- rating-bench:end -->\n`;
  const marker = /<!-- rating-bench:start -->[\s\S]*?<!-- rating-bench:end -->\n/;
  if (marker.test(text)) writeFileSync(path, text.replace(marker, section.slice(section.indexOf('<!--'))));
  else writeFileSync(path, `${text.trimEnd()}\n\n${section}`);
}

async function main(): Promise<void> {
  const meta = openStore(':memory:');
  await migrateToLatest(meta.db);
  const regions = await regionsWithPopulationAt(meta.db, LAST_DAY);
  await meta.close();
  const codes = regions.map((r) => r.code);

  log(`duckdb: loading ${N} channels × 365 days`);
  const instance = await DuckDBInstance.create(':memory:');
  const duck = await instance.connect();
  const duckLoad = await timed(() => loadDuckDb(duck, N, regions));
  const duckChecksum = (await duck.runAndReadAll(CHECKSUM_SQL)).getRowObjectsJS()[0]!;
  const dialogSql = DUCK_DIALOG(LAST_DAY);
  const networkSql = DUCK_NETWORK(LAST_DAY);
  const duckResult = {
    loadMs: duckLoad.ms,
    checksum: { n: Number(duckChecksum.n), s: Number(duckChecksum.s), t: Number(duckChecksum.t) },
  };
  const duckWork: DuckWork = {
    dialog: () => duck.runAndReadAll(dialogSql),
    network: () => duck.runAndReadAll(networkSql),
    summary: () => duckSummary(duck, LAST_DAY, 'RU-MOW'),
  };
  const expected = {
    dialog: await duckRows(duck, dialogSql),
    network: await duckRows(duck, networkSql),
    summary: await duckSummary(duck, LAST_DAY, 'RU-MOW'),
  };
  const sqlite = await benchStore('sqlite', codes, expected, duckWork);
  const stores = {
    sqlite,
    ...(PG_URL ? { postgres: await benchStore('postgres', codes, expected, duckWork) } : {}),
  };
  duck.closeSync();
  instance.closeSync();
  const result = {
    date: new Date().toISOString().slice(0, 10),
    machine: { cores: cpus().length, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version },
    scale,
    channels: N,
    days: 365,
    dailyRows: sqlite.checksum.n,
    duckdb: duckResult,
    ...stores,
  };
  console.log(JSON.stringify(result, null, 2));
  writeResults(result);
}

await main();
