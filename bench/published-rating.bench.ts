/**
 * bench/published-rating: the public rating endpoint under load. One real server (`buildServer`, access
 * control exactly as `ohvat serve` runs it, no trusted principal) on a SQLite database holding the dashboard's
 * seeded register and a rating of the 89 regions published through `POST /api/ratings` by an administrator's
 * token. autocannon (a separate process, loopback, 10 connections) then measures, side by side in the same
 * run and alternating in rounds:
 * - `GET /api/ratings/:id` as an anonymous visitor — the published rating, served from a cached serialisation;
 * - the same URL with `Accept-Version: 1.0.0`, which this bench routes (a version-constrained route registered
 *   here only, never in the product) to a handler sending a pre-built string of the very same bytes — the
 *   same path, permission entry and hooks, only the handler differs;
 * and, for context, the live `GET /api/ratings?methodology=dialog-2025` with an analyst's API token (the
 * permission table keeps live ratings from anonymous visitors).
 * The per-address and per-token API rate limits (default 20 requests/s, burst 50) would refuse a load test
 * from one address at once: they are set to 1,000,000/s through the config object (`limits`).
 * Writes the «Published rating under load» section of bench/RESULTS.md (other sections are kept).
 *
 *   npx tsx bench/published-rating.bench.ts                          # 30 s per route
 *   OHVAT_BENCH_SECONDS=6 npx tsx bench/published-rating.bench.ts    # shorter
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { SYSTEM_PRINCIPAL } from '../src/access/principal.ts';
import { createApiToken } from '../src/access/token.service.ts';
import { buildServer, registerRoutes } from '../src/api/server.ts';
import { parseConfig, testEnv } from '../src/config/config.ts';
import { createLogger } from '../src/shared/logger.ts';
import { openStore } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrator.ts';
import { REPO_ROOT } from '../src/web/assets.ts';
import { seedDashboard } from '../test/helpers/dashboard-seed.ts';

const SECONDS = Math.max(3, Number(testEnv('OHVAT_BENCH_SECONDS') ?? '30'));
/** Short alternating rounds, so a neighbour's load on the shared cores falls on both routes alike. */
const ROUNDS = Math.max(1, Math.round(SECONDS / 5));
const CONNECTIONS = 10;
const WARMUP_SECONDS = 3;
const RESULTS = join(REPO_ROOT, 'bench', 'RESULTS.md');
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
/** The header that sends a request of the published route's URL to the bench's pre-built handler. */
const PREBUILT_VERSION = '1.0.0';

const log = (text: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);

/** What this bench reads of autocannon's `--json` result. */
const cannonSchema = z.object({
  duration: z.number(),
  requests: z.object({ total: z.number() }),
  latency: z.object({ p50: z.number(), p99: z.number() }),
  errors: z.number(),
  timeouts: z.number(),
  non2xx: z.number(),
  '2xx': z.number(),
});
type Cannon = z.infer<typeof cannonSchema>;

function autocannon(url: string, seconds: number, headers: Record<string, string>): Promise<Cannon> {
  const args = [AUTOCANNON, '--json', '--no-progress', '-c', String(CONNECTIONS), '-d', String(seconds)];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`autocannon exited with ${code}`));
      else resolve(cannonSchema.parse(JSON.parse(out.slice(out.indexOf('{')))));
    });
  });
}

interface Route {
  name: string;
  path: string;
  headers: Record<string, string>;
  runs: Cannon[];
  bytes: number;
}

function summary(route: Route) {
  const seconds = route.runs.reduce((s, r) => s + r.duration, 0);
  const ok = route.runs.reduce((s, r) => s + r['2xx'], 0);
  const p50s = route.runs.map((r) => r.latency.p50).sort((a, b) => a - b);
  return {
    perSecond: ok / seconds,
    requests: route.runs.reduce((s, r) => s + r.requests.total, 0),
    p50: p50s[Math.floor(p50s.length / 2)]!,
    p99: Math.max(...route.runs.map((r) => r.latency.p99)),
    errors: route.runs.reduce((s, r) => s + r.errors + r.timeouts + r.non2xx, 0),
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ohvat-published-bench-'));
  const store = openStore(`sqlite:${join(dir, 'ohvat.db')}`);
  let prebuilt = '';
  // The comparison route, registered by this bench only: same URL pattern (so the same permission entry and
  // hooks), chosen by Fastify's version constraint, answering with a string built before the run.
  registerRoutes(async (app) => {
    app.get(
      '/api/ratings/:id',
      { constraints: { version: PREBUILT_VERSION }, schema: { hide: true } },
      async (_request, reply) => reply.type('application/json; charset=utf-8').send(prebuilt),
    );
  });
  try {
    await migrateToLatest(store.db);
    const seeded = await seedDashboard(store.db, { days: 60 });
    const system = { principal: SYSTEM_PRINCIPAL, ip: null };
    const admin = await createApiToken(store.db, { name: 'bench-admin', role: 'admin', regions: [] }, system);
    const analyst = await createApiToken(
      store.db,
      { name: 'bench-analyst', role: 'analyst', regions: [] },
      system,
    );
    const defaults = parseConfig({ OHVAT_LOG_LEVEL: 'silent' });
    // One client address sends everything: the API rate limits (per address, per token) out of the way.
    const config = {
      ...defaults,
      limits: { ...defaults.limits, requestsPerSecond: 1_000_000, burst: 1_000_000 },
    };
    const ctx = { config, store, logger: createLogger('silent'), close: () => store.close() };
    const app = await buildServer(ctx, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const publish = await fetch(`${base}/api/ratings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
        body: JSON.stringify({ methodology: 'dialog-2025', title: 'Нагрузочный тест / load test' }),
      });
      if (publish.status !== 201) throw new Error(`publish: ${publish.status} ${await publish.text()}`);
      const { id } = (await publish.json()) as { id: number };
      const published = await fetch(`${base}/api/ratings/${id}`);
      const body = await published.text();
      if (published.status !== 200) throw new Error(`GET /api/ratings/${id}: ${published.status}`);
      const rows = (JSON.parse(body) as { rows: unknown[] }).rows.length;
      if (rows !== 89) throw new Error(`expected a rating of 89 regions, got ${rows} rows`);
      prebuilt = body;
      const check = await fetch(`${base}/api/ratings/${id}`, {
        headers: { 'accept-version': PREBUILT_VERSION },
      });
      if ((await check.text()) !== body) throw new Error('the pre-built route does not send the same bytes');
      log(`${seeded.channels.length} channels, published rating ${id}: ${rows} rows, ${body.length} bytes`);

      const live = `/api/ratings?methodology=dialog-2025`;
      const liveBody = await fetch(`${base}${live}`, {
        headers: { authorization: `Bearer ${analyst.token}` },
      });
      const liveBytes = (await liveBody.arrayBuffer()).byteLength;
      if (liveBody.status !== 200) throw new Error(`${live}: ${liveBody.status}`);

      const routes: Route[] = [
        {
          name: 'pre-built JSON string (bench-only route)',
          path: `/api/ratings/${id}`,
          headers: { 'accept-version': PREBUILT_VERSION },
          runs: [],
          bytes: Buffer.byteLength(body),
        },
        {
          name: 'published rating, anonymous',
          path: `/api/ratings/${id}`,
          headers: {},
          runs: [],
          bytes: Buffer.byteLength(body),
        },
        {
          name: 'live rating, analyst token',
          path: live,
          headers: { authorization: `Bearer ${analyst.token}` },
          runs: [],
          bytes: liveBytes,
        },
      ];
      const [prebuiltRoute, publishedRoute, liveRoute] = routes as [Route, Route, Route];
      for (const r of routes) await autocannon(`${base}${r.path}`, WARMUP_SECONDS, r.headers);
      const perRound = Math.round(SECONDS / ROUNDS);
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? [prebuiltRoute, publishedRoute] : [publishedRoute, prebuiltRoute];
        for (const r of order) {
          r.runs.push(await autocannon(`${base}${r.path}`, perRound, r.headers));
          log(`round ${round + 1}: ${r.name}: ${(r.runs.at(-1)!['2xx'] / perRound).toFixed(0)} req/s`);
        }
      }
      liveRoute.runs.push(await autocannon(`${base}${live}`, SECONDS, liveRoute.headers));
      const text = section(routes, {
        channels: seeded.channels.length,
        perRound,
        load: loadavg()
          .map((v) => v.toFixed(2))
          .join(' / '),
      });
      writeSection(text);
      console.log(text);
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function section(routes: Route[], run: { channels: number; perRound: number; load: string }): string {
  const [prebuiltRoute, publishedRoute] = routes as [Route, Route, Route];
  const reference = summary(prebuiltRoute).perSecond;
  const ratio = summary(publishedRoute).perSecond / reference;
  const rounds = publishedRoute.runs.map(
    (r, i) => r['2xx'] / r.duration / (prebuiltRoute.runs[i]!['2xx'] / prebuiltRoute.runs[i]!.duration),
  );
  const medianRound = [...rounds].sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;
  const errors = summary(publishedRoute).errors + summary(prebuiltRoute).errors;
  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    '## Published rating under load (`bench/published-rating.bench.ts`)',
    '',
    `The public rating endpoint on the real server (access control as \`ohvat serve\` runs it), SQLite, ` +
      `register of ${run.channels} channels × 60 days (test/helpers/dashboard-seed.ts) and a dialog-2025 rating ` +
      'of the 89 regions published through `POST /api/ratings`. autocannon in a separate process, loopback, ' +
      `${CONNECTIONS} connections, ${ROUNDS} alternating round${ROUNDS === 1 ? '' : 's'} of ${run.perRound} s per ` +
      `route after a ${WARMUP_SECONDS} s warm-up; the live rating ${SECONDS} s after them. The ` +
      'pre-built route is registered by the bench only: the same URL with `Accept-Version: 1.0.0` (a Fastify ' +
      'version constraint), so the same permission entry and hooks run and only the handler differs — it sends a ' +
      "string of the published answer's exact bytes. The per-address and per-token API rate limits (default " +
      '20 requests/s, burst 50: one load-testing address would get 429s at once) are set to 1,000,000/s through ' +
      `the config object (\`limits.requestsPerSecond\`, \`limits.burst\`). Run on ${date} on ${cpus().length} ` +
      `shared cores; load average (1/5/15 min) at the end: ${run.load}.`,
    '',
    '| route | who | requests/s | p50 | p99 | errors (incl. non-2xx) | requests | answer |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...routes.map((r) => {
      const s = summary(r);
      const who = r.headers.authorization ? 'analyst token' : 'anonymous';
      const path = r.headers['accept-version'] ? `${r.path} + Accept-Version` : r.path;
      return `| ${r.name}: \`GET ${path}\` | ${who} | ${Math.round(s.perSecond).toLocaleString('en-US')} | ${s.p50} ms | ${s.p99} ms | ${s.errors} | ${s.requests.toLocaleString('en-US')} | ${(r.bytes / 1024).toFixed(1)} KB |`;
    }),
    '',
    `- Published / pre-built: **${ratio.toFixed(2)}×** over the whole run (median round ${medianRound.toFixed(2)}×; ` +
      `rounds: ${rounds.map((r) => r.toFixed(2)).join(', ')}); goal ≥ 0.9×: ` +
      `${ratio >= 0.9 ? 'met' : 'not met'}. Errors on both: ${errors} (goal 0: ${errors === 0 ? 'met' : 'not met'}).`,
    "- p50 is the median of the rounds' p50, p99 the highest round p99 (autocannon, 1 ms resolution). " +
      "Absolute throughput follows the shared machine's load from round to round; each round's ratio compares " +
      `two neighbouring ${run.perRound} s runs.`,
    '- Why the published route keeps up: its JSON is serialised once (at publication, or on the first request ' +
      'after a start) and sent as a string (`src/api/ratings.routes.ts`), and an anonymous request does no ' +
      'database work in the access hooks (no session or token to look up; the rate limit and the permission ' +
      'table are in memory). What it still does more than the pre-built route: validating the id and one map ' +
      'lookup. The live rating computes and serialises the table through its response schema on every request.',
    '',
    'Reproduce: `npx tsx bench/published-rating.bench.ts` (about 2 minutes; `OHVAT_BENCH_SECONDS=6` for a short run).',
    '',
  ];
  return lines.join('\n');
}

/** Replaces this bench's section (from its heading to the next `## `), or appends it. */
function writeSection(text: string): void {
  const current = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n';
  const start = current.search(/^## Published rating under load\b/m);
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

await main();
