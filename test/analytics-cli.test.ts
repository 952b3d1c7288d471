import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrator.ts';
import { addChannel } from './helpers/analytics-fixtures.ts';
import { runOhvatOnSqlite } from './helpers/cli.ts';
import { csvFile } from './helpers/import-files.ts';

/** `ohvat import observations` and `ohvat rating` as a person runs them (child processes, SQLite file). */

const ohvat = runOhvatOnSqlite;

describe('ohvat import observations / ohvat rating (child process)', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ohvat-analytics-cli-'));
    db = join(dir, 'ohvat.db');
    const store = openStore(`sqlite:${db}`);
    await migrateToLatest(store.db);
    await addChannel(store.db, { region: 'RU-MOW', nickname: 'mos_gov', title: 'Правительство Москвы' });
    await addChannel(store.db, {
      region: 'RU-AST',
      nickname: 'ast_gov',
      title: 'Правительство Астраханской области',
    });
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a good file, refuses a bad one (exit 1, nothing written), prints and publishes a rating', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      csvFile([
        ['Канал', 'Дата', 'Подписчики'],
        ['mos_gov', '01.12.2025', '50000'],
        ['nobody', '01.12.2025', '1'],
      ]),
    );
    const refused = await ohvat(['import', 'observations', bad], db);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('bad.csv, строка 3, столбец «Канал»');
    expect(refused.stdout).toContain('Импорт отклонён, ничего не записано');

    const good = join(dir, 'good.csv');
    writeFileSync(
      good,
      csvFile(
        [
          ['Канал', 'Дата', 'Подписчики'],
          ['https://max.ru/mos_gov', '01.12.2025', '50 000'],
          ['@ast_gov', '01.12.2025', '13000'],
        ],
        { encoding: 'cp1251' },
      ),
    );
    const ok = await ohvat(['import', 'observations', good], db);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Импорт выполнен: создано 2');

    const table = await ohvat(['rating', '--methodology', 'dialog-2025', '--date', '2025-12-01'], db);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    // Title, date line, header, rule, then all 89 regions.
    expect(lines).toHaveLength(4 + 89);
    // Dates as Russians write them; observations without a time count at the end of the Moscow day.
    expect(lines[1]).toBe(
      'Дата: 01.12.2025; данные по состоянию на 01.12.2025 23:59 МСК; изменение места — к 24.11.2025',
    );
    expect(lines[2]).toMatch(/^Место\s+Регион\s+Подписчики\s+Подписчики на 1 000 жителей\s+Балл/);
    // A column of fractions shows two decimals in every row (a whole value too: 41,00, not 41).
    expect(lines.slice(4, 6).every((l) => /\d+,\d{2} \(\d\)/.test(l))).toBe(true);
    // Astrakhan: subscribers 2nd, per 1,000 1st (13,000 / ~0.95 M) → mean 1.5, as Moscow (1st, 2nd).
    expect(lines[4]).toMatch(/^\s*1\s+Астраханская область\s+13\s000 \(2\)/);
    expect(lines.filter((l) => /^\s*—\s/.test(l))).toHaveLength(87);

    const out = join(dir, 'rating.xlsx');
    const published = await ohvat(
      ['rating', '--date', '2025-12-01', '--format', 'xlsx', '--out', out, '--publish'],
      db,
    );
    expect(published.code).toBe(0);
    expect(published.stderr).toContain('Опубликован рейтинг № 1');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(new Uint8Array(readFileSync(out)).buffer);
    expect(book.getWorksheet('Рейтинг')!.rowCount).toBe(90);

    const usage = await ohvat(['rating', '--scope', 'municipalities'], db);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('region');
  });
});
