/**
 * bench/dashboard: what the dashboard costs a reader.
 * - the initial JavaScript (entry + preloaded chunks, gzip), and what the rating page loads in all;
 * - the time until the rating table is visible on localhost in headless Chromium (median of 5 loads, each in
 *   a fresh browser context, i.e. with a cold HTTP cache; and 5 warm reloads);
 * - the response time of every API request behind each page (median of 10 after one warm-up).
 * The register is seeded like the e2e tests, at scale: a government channel in most regions plus
 * `30 × OHVAT_BENCH_SCALE` other channels per region, 60 days of daily observations, posts with views.
 * Writes the «Dashboard» section of bench/RESULTS.md (other sections are kept).
 *
 *   npx tsx bench/dashboard.bench.ts                          # SQLite, ≈ 2,800 channels
 *   OHVAT_BENCH_SCALE=0.1 npx tsx bench/dashboard.bench.ts    # smaller register
 *   OHVAT_TEST_PG_URL=postgres://… npx tsx bench/dashboard.bench.ts   # also on PostgreSQL
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { testEnv } from '../src/config/config.ts';
import { REPO_ROOT, WEB_DIST } from '../src/web/assets.ts';
import { type Dashboard, type DashboardDialect, startDashboard } from '../test/helpers/dashboard.ts';
import { type SeededDashboard, seedDashboard } from '../test/helpers/dashboard-seed.ts';

const SCALE = Number(testEnv('OHVAT_BENCH_SCALE') ?? '1');
const EXTRA_PER_REGION = Math.max(0, Math.round(30 * SCALE));
const DAYS = 60;
const LOADS = 5;
const API_RUNS = 10;
const RESULTS = join(REPO_ROOT, 'bench', 'RESULTS.md');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

function gzipSizeOf(urlPath: string): number {
  const file = join(WEB_DIST, urlPath.replace(/^\//, ''));
  if (existsSync(`${file}.gz`)) return readFileSync(`${file}.gz`).length;
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

/** Entry script, its modulepreloads and the stylesheet, as index.html names them. */
function initialAssets(): { js: string[]; css: string[] } {
  const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
  const js = [
    ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ].map((m) => m[1]!);
  const css = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+\.css)"/g)].map((m) => m[1]!);
  return { js: [...new Set(js)], css };
}

interface PageLoad {
  visibleMs: number;
  jsPaths: string[];
}

/** Loads /rating in `context` and returns when the first table row exists (performance.now() at that moment). */
async function loadRating(d: Dashboard, context: Awaited<ReturnType<Dashboard['browser']['newContext']>>) {
  const page = await context.newPage();
  const js: string[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname.endsWith('.js')) js.push(url.pathname);
  });
  await page.goto(`${d.base}/rating`, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    () => (window as Window & { __ratingVisible?: number }).__ratingVisible ?? false,
    undefined,
    { timeout: 30_000, polling: 'raf' },
  );
  const visibleMs = Number(await handle.jsonValue());
  // Let the rest of the page (the map and its ECharts chunk) load, so every script it uses is counted.
  await page.waitForSelector('[data-testid="region-map"][data-series-count="89"]', { timeout: 30_000 });
  await page.close();
  return { visibleMs, jsPaths: js } satisfies PageLoad;
}

const MARK_TABLE = `
  new MutationObserver((_, observer) => {
    if (document.querySelector('[data-testid="rating-table"] tbody tr')) {
      window.__ratingVisible = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;

async function measureLoads(d: Dashboard): Promise<{ cold: number[]; warm: number[]; ratingJs: string[] }> {
  const cold: number[] = [];
  const warm: number[] = [];
  let ratingJs: string[] = [];
  // One unmeasured load first, so the server's own caches are as warm as they are in use.
  {
    const context = await d.browser.newContext({ locale: 'ru-RU' });
    await context.addInitScript(MARK_TABLE);
    await loadRating(d, context);
    await context.close();
  }
  for (let i = 0; i < LOADS; i++) {
    const context = await d.browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 900 } });
    await context.addInitScript(MARK_TABLE);
    const first = await loadRating(d, context);
    cold.push(first.visibleMs);
    ratingJs = first.jsPaths;
    warm.push((await loadRating(d, context)).visibleMs);
    await context.close();
  }
  return { cold, warm, ratingJs };
}

interface ApiCase {
  page: string;
  path: string;
}

function apiCases(seeded: SeededDashboard): ApiCase[] {
  const gov = seeded.spike.channel;
  const from = seeded.firstDay;
  const to = seeded.lastDay;
  // What each page requests when it opens (the channel page: its summary and four series by day).
  const series = (metric: string) =>
    `/api/channels/${gov.id}/series?metric=${metric}&bucket=day&from=${from}&to=${to}`;
  return [
    { page: 'Обзор', path: '/api/overview' },
    { page: 'Обзор', path: '/api/regions' },
    { page: 'Обзор', path: '/api/channels?per_page=1&status=active' },
    { page: 'Рейтинг', path: '/api/methodologies' },
    { page: 'Рейтинг', path: '/api/ratings?methodology=dialog-2025' },
    { page: 'Рейтинг', path: '/api/ratings?methodology=network' },
    { page: 'Рейтинг', path: '/api/ratings/published?per_page=50' },
    { page: 'Рейтинг (выгрузка)', path: '/api/ratings/export?methodology=dialog-2025&format=xlsx' },
    { page: 'Опубликованный рейтинг', path: `/api/ratings/${seeded.publishedRatingId}` },
    { page: 'Регион', path: '/api/regions/RU-BA' },
    { page: 'Регион', path: '/api/regions/RU-BA/summary' },
    { page: 'Регион', path: '/api/channels?region=RU-BA&page=1&per_page=25' },
    { page: 'Канал', path: `/api/channels/${gov.id}/summary` },
    { page: 'Канал', path: series('subscribers') },
    { page: 'Канал', path: series('posts') },
    { page: 'Канал', path: series('views_24h') },
    { page: 'Канал', path: series('views_7d') },
    { page: 'Реестр', path: '/api/channels?page=1&per_page=25' },
    { page: 'Сбор данных', path: '/api/collection/runs?page=1&per_page=20' },
    { page: 'Сбор данных', path: '/api/collection/status' },
    { page: 'Сбор данных', path: '/api/collection/failing?page=1&per_page=20' },
    { page: 'Методика', path: '/api/methodologies' },
  ];
}

async function timeApi(
  d: Dashboard,
  path: string,
): Promise<{ status: number; first: number; median: number; bytes: number }> {
  const once = async () => {
    const started = performance.now();
    const response = await fetch(`${d.base}${path}`, { headers: { 'accept-encoding': 'identity' } });
    const body = await response.arrayBuffer();
    return { status: response.status, elapsed: performance.now() - started, bytes: body.byteLength };
  };
  const warmup = await once();
  if (warmup.status !== 200)
    return { status: warmup.status, first: Number.NaN, median: Number.NaN, bytes: warmup.bytes };
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < API_RUNS; i++) {
    const run = await once();
    times.push(run.elapsed);
    bytes = run.bytes;
  }
  return { status: 200, first: warmup.elapsed, median: median(times), bytes };
}

async function benchDialect(dialect: DashboardDialect) {
  const d = await startDashboard({ dialect });
  try {
    const seedStarted = performance.now();
    const seeded = await seedDashboard(d.store.db, { days: DAYS, extraPerRegion: EXTRA_PER_REGION });
    const seedMs = performance.now() - seedStarted;
    console.error(`${dialect}: seeded ${seeded.channels.length} channels × ${DAYS} days in ${ms(seedMs)}`);
    const loads = await measureLoads(d);
    const api: (ApiCase & { status: number; first: number; median: number; bytes: number })[] = [];
    for (const c of apiCases(seeded)) api.push({ ...c, ...(await timeApi(d, c.path)) });
    return {
      dialect,
      seeded,
      loads,
      api,
      load: loadavg()
        .map((v) => v.toFixed(2))
        .join(' / '),
    };
  } finally {
    await d.close();
  }
}

function section(
  results: Awaited<ReturnType<typeof benchDialect>>[],
  sizes: { initialJs: number; initialCss: number; entry: string[]; ratingJs: number; ratingFiles: number },
): string {
  const date = new Date().toISOString().slice(0, 10);
  const first = results[0]!;
  const lines = [
    '## Dashboard (`bench/dashboard.bench.ts`)',
    '',
    `Production build (\`dist/web\`) served by \`ohvat serve\`'s server on loopback; headless Chromium (Debian, ` +
      `playwright-core). Register: ${first.seeded.channels.length} channels × ${DAYS} days of daily observations ` +
      `(${(first.seeded.channels.length * DAYS).toLocaleString('en-US')} observations), posts with views for the ` +
      `government channels (test/helpers/dashboard-seed.ts). Run on ${date}; load average (1/5/15 min) after ` +
      `each run: ${results.map((r) => `${r.dialect} ${r.load}`).join(', ')} — the machine's 2 cores are shared, ` +
      'and a concurrent CPU-heavy process roughly doubles the page timings.',
    '',
    '| what | measured | goal |',
    '| --- | ---: | ---: |',
    `| initial JS, gzip (entry + modulepreload: ${sizes.entry.length} file${sizes.entry.length === 1 ? '' : 's'}) | ${kb(sizes.initialJs)} | ≤ 350 KB |`,
    `| initial CSS, gzip | ${kb(sizes.initialCss)} | — |`,
    `| all JS the rating page loads, gzip (${sizes.ratingFiles} files, incl. ECharts) | ${kb(sizes.ratingJs)} | — |`,
    ...results.flatMap((r) => [
      `| rating table visible, cold cache, median of ${LOADS} (${r.dialect}) | ${ms(median(r.loads.cold))} (${r.loads.cold.map((v) => Math.round(v)).join(', ')}) | < 1 s |`,
      `| rating table visible, warm cache, median of ${LOADS} (${r.dialect}) | ${ms(median(r.loads.warm))} | — |`,
    ]),
    '',
    `API response time behind each page, first request / median of the next ${API_RUNS} (sequential, ` +
      'uncompressed, measured by the client, HTTP on loopback included). The first request of a rating or the ' +
      'overview may already be warm: the browser loads above requested it; the overview and region summaries ' +
      'are cached by the server for a few minutes.',
    '',
    `| page | request | ${results.map((r) => r.dialect).join(' | ')} | size |`,
    `| --- | --- | ${results.map(() => '---:').join(' | ')} | ---: |`,
    ...first.api.map((row, i) => {
      const cells = results.map((r) => {
        const c = r.api[i]!;
        return c.status === 200 ? `${ms(c.first)} / ${ms(c.median)}` : `HTTP ${c.status}`;
      });
      return `| ${row.page} | \`${row.path.replace(/\d{4}-\d{2}-\d{2}/g, 'YYYY-MM-DD')}\` | ${cells.join(' | ')} | ${row.status === 200 ? kb(row.bytes) : '—'} |`;
    }),
    '',
    'Reproduce: `npx tsx bench/dashboard.bench.ts` (1–2 minutes on SQLite, a few more with PostgreSQL; ' +
      '`OHVAT_BENCH_SCALE=0.1` for a smaller register, ' +
      '`OHVAT_TEST_PG_URL` to add PostgreSQL).',
    '',
  ];
  return lines.join('\n');
}

/** Replaces the «Dashboard» section (from its heading to the next `## `), or appends it. */
function writeSection(text: string): void {
  const current = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n';
  const start = current.search(/^## Dashboard\b/m);
  let next: string;
  if (start < 0) {
    next = `${current.replace(/\s*$/, '')}\n\n${text}`;
  } else {
    const rest = current.slice(start + 3);
    const end = rest.search(/^## /m);
    next = current.slice(0, start) + text + (end < 0 ? '' : `\n${rest.slice(end)}`);
  }
  writeFileSync(RESULTS, `${next.replace(/\s*$/, '')}\n`);
}

async function main(): Promise<void> {
  const dialects: DashboardDialect[] = testEnv('OHVAT_TEST_PG_URL') ? ['sqlite', 'postgres'] : ['sqlite'];
  const results = [];
  for (const dialect of dialects) results.push(await benchDialect(dialect));
  const assets = initialAssets();
  const ratingJs = [...new Set(results[0]!.loads.ratingJs)];
  const sizes = {
    initialJs: assets.js.reduce((sum, p) => sum + gzipSizeOf(p), 0),
    initialCss: assets.css.reduce((sum, p) => sum + gzipSizeOf(p), 0),
    entry: assets.js,
    ratingJs: ratingJs.reduce((sum, p) => sum + gzipSizeOf(p), 0),
    ratingFiles: ratingJs.length,
  };
  const text = section(results, sizes);
  writeSection(text);
  console.log(text);
}

await main();
