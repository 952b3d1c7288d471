import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOhvatOnSqlite } from './helpers/cli.ts';
import { channelRow, csvFile, RU_HEADER } from './helpers/import-files.ts';

const ohvat = runOhvatOnSqlite;

function channelCount(databaseFile: string): number {
  const db = new SQLite(databaseFile, { readonly: true });
  try {
    return (db.prepare('select count(*) as n from channels').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('ohvat import / export / template (child process)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ohvat-cli-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a good file (exit 0) and refuses a file with one bad row (exit 1, nothing written)', async () => {
    const db = join(dir, 'a.db');
    const good = join(dir, 'good.csv');
    writeFileSync(
      good,
      csvFile([RU_HEADER, channelRow(1), channelRow(2), channelRow(3)], { encoding: 'cp1251' }),
    );
    const ok = await ohvat(['import', 'channels', good], db);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      'Импорт выполнен: создано 3, обновлено 0, без изменений 0, отклонено строк 0.',
    );
    expect(channelCount(db)).toBe(3);

    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      csvFile([RU_HEADER, channelRow(4), channelRow(5, { Регион: 'Башкирия' }), channelRow(6)]),
    );
    const rejected = await ohvat(['import', 'channels', bad, '--lang', 'en'], db);
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toContain(
      'bad.csv, row 3, column "Регион": unknown region "Башкирия" (expected a code like RU-BA or a name)',
    );
    expect(rejected.stdout).toContain(
      'Import rejected, nothing written (created 2, updated 0, unchanged 0, rows rejected 1).',
    );
    expect(channelCount(db)).toBe(3);

    const dry = await ohvat(['import', 'channels', good, '--dry-run'], db);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Проверка без записи: создано 0, обновлено 0, без изменений 3');
  });

  it('reports progress on a non-terminal stderr about every 10% for large files', async () => {
    const db = join(dir, 'b.db');
    const big = join(dir, 'big.csv');
    writeFileSync(big, csvFile([RU_HEADER, ...Array.from({ length: 2500 }, (_, i) => channelRow(i + 1))]));
    const run = await ohvat(['import', 'channels', big], db);
    expect(run.code).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe('Импорт: 2500/2500 (100%)');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.length).toBeLessThanOrEqual(11);
    expect(channelCount(db)).toBe(2500);
  });

  it('exports the register and writes the template', async () => {
    const db = join(dir, 'c.db');
    const source = join(dir, 'source.csv');
    writeFileSync(source, csvFile([RU_HEADER, channelRow(1), channelRow(2, { Регион: 'RU-TA' })]));
    expect((await ohvat(['import', 'channels', source], db)).code).toBe(0);
    const out = join(dir, 'out.csv');
    const exported = await ohvat(['export', 'channels', out, '--region', 'RU-TA', '--delimiter', ','], db);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('Выгружено каналов: 1');
    const text = readFileSync(out, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.slice(1).split('\r\n')[0]).toBe(RU_HEADER.join(','));
    expect(text).toContain('school_2');
    expect(text).not.toContain('school_1');

    const template = join(dir, 'template.xlsx');
    const written = await ohvat(['template', 'channels', template], db);
    expect(written.code).toBe(0);
    expect(readFileSync(template).subarray(0, 2).toString('latin1')).toBe('PK');
    const wrongFormat = await ohvat(['export', 'channels', join(dir, 'x.pdf')], db);
    expect(wrongFormat.code).toBe(1);
    expect(wrongFormat.stderr).toContain('--format xlsx или csv');
  });
});
