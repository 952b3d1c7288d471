import ExcelJS from 'exceljs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ImportSummary, LocalisedIssue } from '../src/register/import/import.issues.ts';
import { readTabular } from '../src/register/import/tabular.reader.ts';
import { type ApiError, startTestServer, type TestServer } from './helpers/api.ts';
import { channelRow, csvFile, RU_HEADER, xlsxFile } from './helpers/import-files.ts';
import { describeEachDialect } from './helpers/stores.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface ImportBody {
  file: string;
  summary: ImportSummary;
  message: string;
  errors: LocalisedIssue[];
  warnings: LocalisedIssue[];
  dryRun: boolean;
  written: boolean;
  total: number;
}

interface RejectedBody extends ApiError {
  error: { code: string; message: string; details: { errors: LocalisedIssue[]; summary: ImportSummary } };
}

describeEachDialect('import API', (store) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(store());
  });
  afterEach(async () => {
    await server.close();
  });

  async function upload<T>(path: string, body: Buffer, type: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': type, ...headers },
      body: new Uint8Array(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function count(): Promise<number> {
    const row = await store()
      .db.selectFrom('channels')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('imports a Windows-1251 CSV body; a dry run first writes nothing', async () => {
    const file = csvFile([RU_HEADER, channelRow(1), channelRow(2), channelRow(3)], { encoding: 'cp1251' });
    const dry = await upload<ImportBody>(
      `/api/import/channels?dryRun=true&filename=${encodeURIComponent('реестр.csv')}`,
      file,
      'text/csv',
    );
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      file: 'реестр.csv',
      summary: { created: 3, updated: 0, unchanged: 0, rejected: 0 },
      errors: [],
      dryRun: true,
      written: false,
      total: 3,
      message: 'Проверка без записи: создано 3, обновлено 0, без изменений 0, отклонено строк 0.',
    });
    expect(await count()).toBe(0);
    const real = await upload<ImportBody>('/api/import/channels', file, 'text/csv; charset=windows-1251');
    expect(real.status).toBe(200);
    expect(real.body).toMatchObject({
      file: 'upload.csv',
      summary: { created: 3 },
      written: true,
      dryRun: false,
    });
    expect(await count()).toBe(3);
  });

  it('answers 422 import_rejected naming the bad row, in the asked language, and writes nothing', async () => {
    const rows = [RU_HEADER, ...Array.from({ length: 30 }, (_, i) => channelRow(i + 1))];
    rows[17] = channelRow(17, { Регион: 'Башкирия' });
    const response = await upload<RejectedBody>(
      '/api/import/channels?lang=en',
      csvFile(rows),
      'application/octet-stream',
      { 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent('каналы.csv')}` },
    );
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('import_rejected');
    expect(response.body.error.message).toBe(
      'Import rejected, nothing written (created 29, updated 0, unchanged 0, rows rejected 1).',
    );
    expect(response.body.error.details.summary).toEqual({
      created: 29,
      updated: 0,
      unchanged: 0,
      rejected: 1,
    });
    expect(response.body.error.details.errors).toEqual([
      expect.objectContaining({
        file: 'каналы.csv',
        row: 18,
        column: 'Регион',
        code: 'unknown_region',
        message:
          'каналы.csv, row 18, column "Регион": unknown region "Башкирия" (expected a code like RU-BA or a name)',
      }),
    ]);
    expect(await count()).toBe(0);

    const dry = await upload<ImportBody>('/api/import/channels?dryRun=1', csvFile(rows), 'text/csv');
    expect(dry.status).toBe(200);
    expect(dry.body.errors.map((e) => [e.row, e.code])).toEqual([[18, 'unknown_region']]);
    expect(dry.body.errors[0]!.message).toBe(
      'upload.csv, строка 18, столбец «Регион»: неизвестный регион «Башкирия» (ожидается код вроде RU-BA или название)',
    );
  });

  it('imports an XLSX body from a named sheet', async () => {
    const body = await xlsxFile([
      { name: 'Инструкция', rows: [['Заполните лист «Реестр»']] },
      { name: 'Реестр', rows: [RU_HEADER, channelRow(1), channelRow(2)] },
    ]);
    const response = await upload<ImportBody>('/api/import/channels?sheet=Реестр', body, XLSX, {
      'content-disposition': 'attachment; filename="region.xlsx"',
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ file: 'region.xlsx', summary: { created: 2 }, written: true });
  });

  it('refuses unsupported files, bodies and query parameters', async () => {
    const pdf = await upload<ApiError>(
      '/api/import/channels?filename=scan.pdf',
      Buffer.from('%PDF-1.4\n'),
      'application/octet-stream',
    );
    expect(pdf.status).toBe(400);
    expect(pdf.body.error.code).toBe('validation_failed');
    expect(pdf.body.error.message).toMatch(/^scan\.pdf: это PDF/);
    const json = await fetch(`${server.url}/api/import/channels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rows: [] }),
    });
    expect(json.status).toBe(415);
    expect(((await json.json()) as ApiError).error.code).toBe('unsupported_media_type');
    const unknown = await upload<ApiError>(
      '/api/import/channels?dry_run=true',
      csvFile([RU_HEADER]),
      'text/csv',
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('validation_failed');
    const empty = await upload<ApiError>('/api/import/channels', Buffer.alloc(0), 'text/csv');
    expect(empty.status).toBe(400);
  });

  it('exports the register as CSV and XLSX with a file name, filtered by region', async () => {
    const rows = [RU_HEADER, channelRow(1), channelRow(2), channelRow(3, { Регион: 'Татарстан' })];
    expect((await upload<ImportBody>('/api/import/channels', csvFile(rows), 'text/csv')).status).toBe(200);

    const csv = await fetch(
      `${server.url}/api/export/channels?format=csv&region=${encodeURIComponent('Татарстан')}`,
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(
      /^attachment; filename="ohvat-channels-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const csvTable = await readTabular(Buffer.from(await csv.arrayBuffer()), 'x.csv');
    expect(csvTable.headers).toEqual(RU_HEADER);
    expect(csvTable.rows.map((r) => r.cells[1])).toEqual(['school_3']);

    const xlsx = await fetch(`${server.url}/api/export/channels?lang=en`);
    expect(xlsx.headers.get('content-type')).toBe(XLSX);
    const table = await readTabular(Buffer.from(await xlsx.arrayBuffer()), 'x.xlsx');
    expect(table.headers[0]).toBe('platform');
    expect(table.rows.map((r) => r.cells[1])).toEqual(['school_1', 'school_2', 'school_3']);

    const bad = await fetch(`${server.url}/api/export/channels?region=Атлантида`);
    expect(bad.status).toBe(400);
    const badFormat = await fetch(`${server.url}/api/export/channels?format=pdf`);
    expect(badFormat.status).toBe(400);
  });

  it('serves the template and imports population figures', async () => {
    const docs = await fetch(`${server.url}/api/docs/json`);
    expect(docs.status).toBe(200);
    const paths = Object.keys(((await docs.json()) as { paths: Record<string, unknown> }).paths);
    for (const path of [
      '/api/import/channels',
      '/api/import/population',
      '/api/import/template',
      '/api/export/channels',
    ]) {
      expect(paths).toContain(path);
    }
    const template = await fetch(`${server.url}/api/import/template`);
    expect(template.status).toBe(200);
    expect(template.headers.get('content-type')).toBe(XLSX);
    expect(template.headers.get('content-disposition')).toContain('.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await template.arrayBuffer());
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Каналы', 'Справочники']);

    const population = csvFile([
      ['Регион', 'Дата', 'Численность', 'Источник'],
      ['RU-BA', '01.01.2026', '4030000', 'Росстат'],
    ]);
    const ok = await upload<ImportBody>('/api/import/population', population, 'text/csv');
    expect(ok.status).toBe(200);
    expect(ok.body.summary).toEqual({ created: 1, updated: 0, unchanged: 0, rejected: 0 });
    const bad = await upload<RejectedBody>(
      '/api/import/population',
      csvFile([
        ['Регион', 'Дата', 'Численность', 'Источник'],
        ['RU-BA', 'вчера', '1', 'x'],
      ]),
      'text/csv',
    );
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.errors[0]).toMatchObject({ row: 2, column: 'Дата', code: 'bad_date' });
  });
});
