import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays } from '../src/analytics/calendar.ts';
import { registerAccessCommands, registerAuditExportCommand } from '../src/cli/access.command.ts';
import { registerAnalyticsCommands } from '../src/cli/analytics.command.ts';
import { registerBackupCommands } from '../src/cli/backup.command.ts';
import { parseConfig } from '../src/config/config.ts';
import { databaseInUse, restoreSqlite, verifyOhvatDatabase } from '../src/store/backup.ts';
import { openStore } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrator.ts';
import { addChannel, lastDays } from './helpers/analytics-fixtures.ts';
import { type CliRun, runOhvat } from './helpers/cli.ts';
import { csvFile } from './helpers/import-files.ts';

/**
 * `ohvat user`, `ohvat token`, `ohvat export audit`, `ohvat backup` and `ohvat restore`: the real command
 * definitions run in process (fast), and the `ohvat` binary once as a child process (password from stdin).
 * The audit entries of the CLI's data changes (`ohvat import observations`, `ohvat flags detect`).
 */

/** The commands as main.ts registers them, on their own commander program; output and exit code captured. */
async function ohvat(args: string[], database: string): Promise<CliRun> {
  const config = () => parseConfig({ OHVAT_DATABASE_URL: database });
  const program = new Command('ohvat').exitOverride();
  registerAccessCommands(program, config);
  registerBackupCommands(program, config);
  registerAuditExportCommand(program.command('export'), config);
  registerAnalyticsCommands(program, config);
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const previous = process.exitCode;
  process.exitCode = undefined;
  let code = 0;
  try {
    await program.parseAsync(['node', 'ohvat', ...args]);
    code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    err.push(e instanceof Error ? e.message : String(e));
    code = 1;
  } finally {
    process.exitCode = previous;
    log.mockRestore();
    error.mockRestore();
  }
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function query<T>(file: string, sql: string): T[] {
  const db = new SQLite(file, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('access and backup commands (SQLite)', () => {
  let dir: string;
  let db: string;
  let url: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ohvat-access-cli-'));
    db = join(dir, 'ohvat.db');
    url = `sqlite:${db}`;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds users and tokens, revokes, and exports the audit log', async () => {
    const admin = await runOhvat(
      ['user', 'add', 'Boss', '--role', 'admin', '--password-stdin'],
      url,
      'long enough password\n',
    );
    expect(admin.code, admin.stderr).toBe(0);
    expect(admin.stdout).toContain('boss');
    const operator = await ohvat(
      [
        'user',
        'add',
        'ufa',
        '--role',
        'operator',
        '--region',
        'Башкортостан',
        'RU-TA',
        '--password',
        'typed on the line',
      ],
      url,
    );
    expect(operator.code, operator.stderr).toBe(0);
    expect(operator.stderr).toMatch(/history|истории/);
    const noRegion = await ohvat(
      ['user', 'add', 'x1', '--role', 'operator', '--password', 'long enough password'],
      url,
    );
    expect(noRegion.code).toBe(1);
    expect(noRegion.stderr).toContain('region');

    const users = query<{ login: string; role: string; password_hash: string }>(
      db,
      'select * from users order by login',
    );
    expect(users.map((u) => [u.login, u.role])).toEqual([
      ['boss', 'admin'],
      ['ufa', 'operator'],
    ]);
    expect(users.every((u) => u.password_hash.startsWith('scrypt$'))).toBe(true);
    expect(
      query<{ region_code: string }>(db, 'select region_code from user_regions order by region_code').map(
        (r) => r.region_code,
      ),
    ).toEqual(['RU-BA', 'RU-TA']);

    const token = await ohvat(['token', 'create', '--name', 'CI', '--role', 'analyst'], url);
    expect(token.code, token.stderr).toBe(0);
    const secret = token.stdout.trim();
    expect(secret).toMatch(/^ohv_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(query(db, 'select * from api_tokens'))).not.toContain(secret);
    const list = await ohvat(['user', 'list'], url);
    const revoke = await ohvat(['token', 'revoke', '1'], url);
    expect(list.stdout).toMatch(/ufa\s+operator\s+RU-BA,RU-TA/);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(
      query<{ revoked_at: string | null }>(db, 'select revoked_at from api_tokens')[0]!.revoked_at,
    ).not.toBeNull();

    const out = join(dir, 'audit.csv');
    const exported = await ohvat(['export', 'audit', out], url);
    expect(exported.code, exported.stderr).toBe(0);
    const csv = readFileSync(out, 'utf8');
    for (const action of ['user.create', 'token.create', 'token.revoke']) expect(csv).toContain(action);
    expect(csv).toMatch(/;cli;cli:/);
    expect(csv).not.toContain('long enough password');
    expect(csv).not.toContain(secret);
  }, 60_000);

  it('backs up while the database is in use, refuses to restore over it, restores when free', async () => {
    // This process plays the running server: it holds the database open and writes to it.
    const server = new SQLite(db);
    server.pragma('journal_mode = WAL');
    server
      .prepare("insert into app_settings (key, value, updated_at) values ('marker', 'before', 'now')")
      .run();
    const backup = join(dir, 'backup.db');
    const done = await ohvat(['backup', backup], url);
    const pg = await ohvat(['backup', join(dir, 'pg.dump')], 'postgres://ohvat:s3cret@db.example/ohvat');
    expect(done.code, done.stderr).toBe(0);
    expect(verifyOhvatDatabase(backup).migrations.length).toBeGreaterThan(3);
    expect(pg.code).toBe(2);
    expect(pg.stderr).toContain('pg_dump --format=custom');
    expect(pg.stderr).not.toContain('s3cret');

    server.prepare("update app_settings set value = 'after' where key = 'marker'").run();
    expect(databaseInUse(db)).toBe(true);
    const refused = await ohvat(['restore', backup], url);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/другим процессом|another process/);
    server.close();
    expect(databaseInUse(db)).toBe(false);

    const notOhvat = join(dir, 'other.db');
    new SQLite(notOhvat).exec('create table t (x)');
    await expect(restoreSqlite(db, notOhvat)).rejects.toThrow(/not an Ohvat database/);
    writeFileSync(join(dir, 'garbage.db'), 'this is not a database at all, just text');
    await expect(restoreSqlite(db, join(dir, 'garbage.db'))).rejects.toThrow(/not a SQLite database/);

    const restored = await ohvat(['restore', backup], url);
    expect(restored.code, restored.stderr).toBe(0);
    expect(existsSync(`${db}.bak`)).toBe(true);
    expect(
      query<{ value: string }>(db, "select value from app_settings where key = 'marker'")[0]!.value,
    ).toBe('before');
    expect(
      query<{ value: string }>(`${db}.bak`, "select value from app_settings where key = 'marker'")[0]!.value,
    ).toBe('after');
    // The restored database still has its users and works for the CLI.
    const list = await ohvat(['user', 'list'], url);
    expect(list.stdout).toContain('boss');
    const again = await ohvat(['backup', backup], url);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--force');
  }, 60_000);
});

describe('audit entries of the CLI data changes (SQLite)', () => {
  let dir: string;
  let db: string;
  let url: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ohvat-cli-audit-'));
    db = join(dir, 'ohvat.db');
    url = `sqlite:${db}`;
    const store = openStore(url);
    await migrateToLatest(store.db);
    await addChannel(store.db, { region: 'RU-BA', nickname: 'ba_gov', title: 'Правительство Башкортостана' });
    await addChannel(store.db, { region: 'RU-KO', nickname: 'ko_gov', title: 'Правительство Коми' });
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  interface Entry {
    actor_kind: string;
    actor_name: string;
    action: string;
    entity_type: string;
    region_code: string | null;
    after: string | null;
  }
  const entries = () =>
    query<Entry>(
      db,
      "select * from audit_log where action in ('import.observations', 'flag.detect') order by id",
    );

  it('records `import observations` (only when it wrote) and `flags detect` as the CLI', async () => {
    // 40 days of steady growth; RU-BA gains 5,000 subscribers five days before the last day, and keeps them.
    const last = '2026-04-30';
    const spikeDay = addDays(last, -5);
    const rows = lastDays(last, 40).flatMap((day, i) => [
      ['ba_gov', day, String(10_000 + 30 * i + (i % 3) + (day >= spikeDay ? 5_000 : 0))],
      ['ko_gov', day, String(5_000 + 20 * i + (i % 2))],
    ]);
    const file = join(dir, 'history.csv');
    writeFileSync(file, csvFile([['Канал', 'Дата', 'Подписчики'], ...rows]));
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      csvFile([
        ['Канал', 'Дата', 'Подписчики'],
        ['nobody', '01.04.2026', '1'],
      ]),
    );

    const dry = await ohvat(['import', 'observations', file, '--dry-run'], url);
    const rejected = await ohvat(['import', 'observations', bad], url);
    expect(dry.code, dry.stderr).toBe(0);
    expect(rejected.code).toBe(1);
    expect(entries()).toEqual([]);

    const imported = await ohvat(['import', 'observations', file], url);
    expect(imported.code, imported.stderr).toBe(0);
    const [importEntry] = entries();
    expect(importEntry).toMatchObject({
      actor_kind: 'cli',
      action: 'import.observations',
      entity_type: 'import',
    });
    expect(importEntry!.actor_name).toMatch(/^cli:/);
    expect(JSON.parse(importEntry!.after!)).toEqual({
      file: 'history.csv',
      source: 'import:history.csv',
      summary: { created: 80, updated: 0, unchanged: 0, rejected: 0 },
      total: 80,
      regions: ['RU-BA', 'RU-KO'],
      from: lastDays(last, 40)[0],
      to: last,
    });
    const detected = await ohvat(['flags', 'detect', '--date', last, '--days', '7'], url);
    expect(detected.code, detected.stderr).toBe(0);
    // The period in Russian format first, then ISO for the English half.
    const [y, m, d] = last.split('-');
    expect(detected.stdout).toMatch(new RegExp(` — ${d}\\.${m}\\.${y}: каналов 2, `));
    const flags = query<{ n: number }>(db, 'select count(*) as n from anomaly_flags')[0]!.n;
    expect(flags).toBeGreaterThan(0);
    const detectEntry = entries().at(-1)!;
    expect(detectEntry).toMatchObject({
      actor_kind: 'cli',
      action: 'flag.detect',
      entity_type: 'flag',
      region_code: null,
    });
    expect(JSON.parse(detectEntry.after!)).toMatchObject({ asOf: last, channels: 2, inserted: flags });

    const regional = await ohvat(['flags', 'detect', '--date', last, '--region', 'ru-ba'], url);
    expect(regional.code, regional.stderr).toBe(0);
    expect(entries().at(-1)).toMatchObject({ action: 'flag.detect', region_code: 'RU-BA' });
    expect(entries().map((e) => e.action)).toEqual(['import.observations', 'flag.detect', 'flag.detect']);
  }, 60_000);
});
