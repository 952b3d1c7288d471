/**
 * The readable table of bench/rating results written above the raw JSON in bench/RESULTS.md: each measure on
 * SQLite, PostgreSQL and DuckDB (timed alternately with each store: SQLite's pair / PostgreSQL's pair), the
 * speed-up against DuckDB, the goal of issue 4 and whether it is met.
 */

interface StoreResult {
  dialogMs: number;
  dialogWithChangeMs: number;
  networkMs: number;
  networkWithChangeMs: number;
  regionSummaryMs: number;
  overviewMs: number;
  /** DuckDB's times for the same tables, taken alternately with this store's. */
  duckdbMs: { dialog: number; network: number; regionSummary: number };
  matchesDuckDb: Record<string, { ranked: number; mismatches: number }>;
  /** Rows of the region page (RU-MOW) that differ from DuckDB's tables. */
  summaryMatchesDuckDb?: { rows: number; mismatches: number };
  ingest: { productPerSecond: number; rawPerSecond: number; ratio: number };
  server: { peakRssMB: number; requestMs: Record<string, number> };
}

export interface BenchResult {
  channels: number;
  dailyRows: number;
  sqlite?: StoreResult;
  postgres?: StoreResult;
}

const cell = (v: number | string | undefined) => (v === undefined ? '—' : String(v));
/** How many times faster than DuckDB (a timer's 0 ms counts as 0.5 ms). */
const speedup = (duck: number, ours: number | undefined) =>
  ours === undefined ? undefined : Number((duck / Math.max(ours, 0.5)).toFixed(1));

export function resultsTable(r: BenchResult): string {
  const s = r.sqlite;
  const p = r.postgres;
  const rows: string[][] = [];
  const timed = (
    name: string,
    pick: (x: StoreResult) => number,
    duckOf?: (d: StoreResult['duckdbMs']) => number,
  ) => {
    const a = s ? pick(s) : undefined;
    const b = p ? pick(p) : undefined;
    if (duckOf === undefined) {
      rows.push([name, cell(a), cell(b), '—', '—', '—', '—']);
      return;
    }
    const da = s && duckOf(s.duckdbMs);
    const db = p && duckOf(p.duckdbMs);
    const ups = [da && speedup(da, a), db && speedup(db, b)].filter((x): x is number => x !== undefined);
    rows.push([
      name,
      cell(a),
      cell(b),
      [da, db].filter((x) => x !== undefined).join(' / '),
      ups.map((x) => `${x}×`).join(' / '),
      '≥ 10× faster than DuckDB',
      ups.every((x) => x >= 10) ? 'met' : 'not met',
    ]);
  };
  timed(
    'dialog-2025 rating, ms',
    (x) => x.dialogMs,
    (d) => d.dialog,
  );
  timed(
    'network rating, ms',
    (x) => x.networkMs,
    (d) => d.network,
  );
  timed(
    'region summary (RU-MOW), ms',
    (x) => x.regionSummaryMs,
    (d) => d.regionSummary,
  );
  timed('dialog-2025 with place change, ms', (x) => x.dialogWithChangeMs);
  timed('network with place change, ms', (x) => x.networkWithChangeMs);
  timed('overview (with forecasts, top movers), ms', (x) => x.overviewMs);
  /** A row checked against a goal on each store (not against DuckDB's time). */
  const goal = <T>(
    name: string,
    pick: (x: StoreResult) => T,
    target: string,
    met: (v: T) => boolean,
    show: (v: T) => string = String,
  ) =>
    rows.push([
      name,
      cell(s && show(pick(s))),
      cell(p && show(pick(p))),
      '—',
      '—',
      target,
      [s, p].every((x) => !x || met(pick(x))) ? 'met' : 'not met',
    ]);
  const mismatches = (x: StoreResult) => Object.values(x.matchesDuckDb).reduce((n, m) => n + m.mismatches, 0);
  goal('rows differing from DuckDB (dialog + network)', mismatches, '0', (n) => n === 0);
  goal(
    'region summary rows differing from DuckDB',
    (x) => x.summaryMatchesDuckDb?.mismatches,
    '0',
    (n) => n === 0,
  );
  goal(
    'ingest: product path ÷ raw insert loop',
    (x) => x.ingest,
    '≥ 0.5×',
    (i) => i.ratio >= 0.5,
    (i) => `${i.ratio}× (${i.productPerSecond} vs ${i.rawPerSecond}/s)`,
  );
  goal(
    'server peak RSS, MB',
    (x) => x.server.peakRssMB,
    '≤ 300 MB',
    (n) => n <= 300,
  );
  for (const key of Object.keys(s?.server.requestMs ?? p?.server.requestMs ?? {})) {
    timed(`HTTP ${key}, ms`, (x) => x.server.requestMs[key] ?? Number.NaN);
  }
  const header = ['Measure', 'SQLite', 'PostgreSQL', 'DuckDB', 'Speed-up vs DuckDB', 'Goal', 'Result'];
  const lines = [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`);
  return `${r.channels.toLocaleString('en')} channels, ${r.dailyRows.toLocaleString('en')} daily rows.\n\n${lines.join('\n')}\n`;
}
