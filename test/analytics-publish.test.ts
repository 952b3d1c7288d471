import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { upsertPopulation } from '../src/register/region.repository.ts';
import type { DB } from '../src/store/schema.ts';
import {
  addChannel,
  DIALOG_XLSX_HEADER,
  lastDays,
  observe,
  page,
  posts,
  startAnalyticsServer,
} from './helpers/analytics-fixtures.ts';
import { type ApiError, requestJson, startTestServer } from './helpers/api.ts';
import { describeEachDialect } from './helpers/stores.ts';

/**
 * Publishing through the real HTTP server: the stored table never changes, it is served from a cached
 * serialisation, `verify` recomputes it from the raw observations (independently of the read model), and
 * the XLSX/CSV exports read back with their headers, number formats and methodology sheet.
 */

const D = '2026-03-31';

interface Published {
  id: number;
  methodology_id: string;
  methodology_version: string;
  parameters: string;
  scope: string;
  rating_date: string;
  inputs_observed_until: string | null;
  title: string | null;
  created_by: string | null;
}
interface Table {
  asOf: string;
  inputsObservedUntil: string | null;
  published?: Published;
  scope: { key: string };
  rows: {
    key: string;
    name: string;
    place: number | null;
    score: number | null;
    indicators: Record<string, { value: number | null }>;
  }[];
}
interface Verify {
  identical: boolean;
  differences: { key: string; field: string; published: unknown; recomputed: unknown }[];
}

async function world(db: Kysely<DB>) {
  await upsertPopulation(db, [
    { region_code: 'RU-KO', as_of: '2026-01-01', population: 800_000, source: 'test' },
    { region_code: 'RU-AST', as_of: '2026-01-01', population: 1_000_000, source: 'test' },
    { region_code: 'RU-CHU', as_of: '2026-01-01', population: 50_000, source: 'test' },
  ]);
  const ids: Record<string, number> = {};
  for (const [code, start, end, perWeek, complete] of [
    ['RU-KO', 7_000, 8_000, 5, true],
    ['RU-AST', 10_000, 12_000, 3, true],
    ['RU-CHU', 500, 1_000, 2, false],
  ] as const) {
    const id = await addChannel(db, { region: code, title: `Правительство ${code}` });
    ids[code] = id;
    await observe(db, id, { '2026-02-28': start, [D]: end });
    await posts(db, id, lastDays(D, 28).slice(0, perWeek * 4));
    await page(db, id, complete);
  }
  // A channel whose title a spreadsheet would take for a formula.
  const tricky = await addChannel(db, {
    region: 'RU-KO',
    category: 'school',
    title: '=HYPERLINK("http://x")',
  });
  await observe(db, tricky, { [D]: 300 });
  return ids;
}

describeEachDialect('published ratings', (store) => {
  it('publishes, serves the stored table unchanged and verifies it against the raw observations', async () => {
    const { db } = store();
    const ids = await world(db);
    const server = await startAnalyticsServer(store());
    try {
      const post = await requestJson<Published>(server.url, 'POST', '/api/ratings', {
        methodology: 'network',
        date: D,
        title: 'Сеть каналов, март 2026',
      });
      expect(post.status).toBe(201);
      expect(post.body).toMatchObject({
        methodology_id: 'network',
        methodology_version: '1.0.0',
        scope: 'regions',
        rating_date: D,
        inputs_observed_until: '2026-03-31T17:00:00.000Z',
        title: 'Сеть каналов, март 2026',
        created_by: 'analyst-admin',
      });
      // Every parameter is stored, defaults included, so the table can be recomputed after defaults change.
      expect(JSON.parse(post.body.parameters)).toMatchObject({ growthDays: 30, activeThreshold: 3 });
      const id = post.body.id;

      const firstResponse = await fetch(`${server.url}/api/ratings/${id}`);
      // Signed in (here: the trusted test principal), the answer is not for shared caches…
      expect(firstResponse.headers.get('cache-control') ?? '').not.toMatch(/public/);
      const first = await firstResponse.text();
      // …while the public answer of a rating that never changes may be cached for an hour.
      const open = await startTestServer(store(), {}, { access: 'real' });
      try {
        const anonymous = await fetch(`${open.url}/api/ratings/${id}`);
        expect(anonymous.status).toBe(200);
        expect(anonymous.headers.get('cache-control')).toBe('public, max-age=3600');
        expect(await anonymous.text()).toBe(first);
      } finally {
        await open.close();
      }
      const table = JSON.parse(first) as Table;
      expect(table.published).toMatchObject({ id, title: 'Сеть каналов, март 2026' });
      const live = (await requestJson<Table>(server.url, 'GET', `/api/ratings?methodology=network&date=${D}`))
        .body;
      expect(table.rows).toEqual(live.rows);
      expect(
        table.rows
          .filter((r) => r.place !== null)
          .map((r) => r.key)
          .sort(),
      ).toEqual(['RU-AST', 'RU-CHU', 'RU-KO']);

      const verify = async (n = id) =>
        (await requestJson<Verify>(server.url, 'GET', `/api/ratings/${n}/verify`)).body;
      expect(await verify()).toMatchObject({ identical: true, differences: [] });

      // New figures (a later day, and the rating day itself observed after the as-of) change neither the
      // stored table nor the recomputation.
      await observe(db, ids['RU-KO']!, { '2026-04-01': 30_000 });
      await observe(db, ids['RU-KO']!, { [D]: 31_000 }, { hour: 23, source: 'import:late.csv' });
      expect(await (await fetch(`${server.url}/api/ratings/${id}`)).text()).toBe(first);
      expect(await verify()).toMatchObject({ identical: true, differences: [] });
      // …while the live rating for the day does see the late figure.
      const after = (
        await requestJson<Table>(server.url, 'GET', `/api/ratings?methodology=network&date=${D}`)
      ).body;
      expect(after.rows.find((r) => r.key === 'RU-KO')!.indicators.subscribers_per_100!.value).toBeCloseTo(
        ((31_000 + 300) * 100) / 800_000,
        9,
      );

      // The database refuses to change or delete a published rating.
      await expect(
        db.updateTable('published_ratings').set({ title: 'x' }).where('id', '=', id).execute(),
      ).rejects.toThrow(/append-only/);
      await expect(db.deleteFrom('published_ratings').where('id', '=', id).execute()).rejects.toThrow(
        /append-only/,
      );

      // verify is independent of the read model: a rating published from a damaged read model is caught.
      await db
        .updateTable('channel_daily')
        .set({ subscribers: 99_999 })
        .where('channel_id', '=', ids['RU-CHU']!)
        .where('day', '=', D)
        .execute();
      // …and its region aggregate, which dialog-2025 reads (one government channel in RU-CHU).
      await db
        .updateTable('region_daily')
        .set({ subscribers: 99_999, fresh_subscribers: 99_999 })
        .where('region_code', '=', 'RU-CHU')
        .where('category', '=', 'regional_government')
        .where('day', '=', D)
        .execute();
      const damaged = await requestJson<Published>(server.url, 'POST', '/api/ratings', {
        methodology: 'dialog-2025',
        date: D,
        previous_days: 0,
      });
      const check = await verify(damaged.body.id);
      expect(check.identical).toBe(false);
      expect(check.differences).toContainEqual(
        expect.objectContaining({ key: 'RU-CHU', field: 'indicators' }),
      );

      const list = await requestJson<{ items: Published[]; total: number }>(
        server.url,
        'GET',
        '/api/ratings/published?methodology=network',
      );
      expect(list.body.total).toBe(1);
      expect((await requestJson<ApiError>(server.url, 'GET', '/api/ratings/999999')).status).toBe(404);
      expect((await requestJson<ApiError>(server.url, 'GET', '/api/ratings?period=2026-13')).status).toBe(
        400,
      );
      expect(
        (
          await requestJson<ApiError>(server.url, 'POST', '/api/ratings', {
            methodology: 'network',
            version: '0.9.0',
          })
        ).status,
      ).toBe(400);
    } finally {
      await server.close();
    }
  });

  it('exports a rating to XLSX and CSV that read back', async () => {
    const { db } = store();
    await world(db);
    const server = await startAnalyticsServer(store());
    try {
      const post = await requestJson<Published>(server.url, 'POST', '/api/ratings', {
        methodology: 'dialog-2025',
        date: D,
      });
      const xlsx = await fetch(`${server.url}/api/ratings/${post.body.id}/export?format=xlsx`);
      expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
      expect(xlsx.headers.get('content-disposition')).toContain(`ohvat-rating-${post.body.id}-${D}.xlsx`);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await xlsx.arrayBuffer());
      const sheet = book.getWorksheet('Рейтинг')!;
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(DIALOG_XLSX_HEADER);
      expect(sheet.rowCount).toBe(90);
      // Subscribers: AST 12,000 (1), KO 8,000 (2), CHU 1,000 (3); per 1,000: CHU 20, AST 12, KO 10 → AST 1st.
      const first = sheet.getRow(2);
      expect([
        first.getCell(1).value,
        first.getCell(2).value,
        first.getCell(4).value,
        first.getCell(5).value,
      ]).toEqual([1, 'RU-AST', 1.5, 12_000]);
      expect(first.getCell(5).numFmt).toBe('#,##0');
      expect(first.getCell(7).numFmt).toBe('0.00');
      expect(first.getCell(7).value).toBeCloseTo(12, 9);
      const about = book.getWorksheet('Методика')!;
      const lines = new Map<string, string>();
      about.eachRow((row) => lines.set(String(row.getCell(1).value), String(row.getCell(2).value)));
      // Dates as Russians read them; the as-of in Moscow time (17:00 UTC = 20:00 MSK).
      expect(lines.get('Дата рейтинга')).toBe('31.03.2026');
      expect(lines.get('Данные по состоянию на')).toBe('31.03.2026 20:00 МСК');
      expect(lines.get('Параметр combination')).toBe('rank_average');
      expect(lines.get('Методика')).toContain('dialog-2025 v1.0.0');
      expect(lines.get('Описание')).toContain('подписчиков на 1 000 жителей');

      const en = new ExcelJS.Workbook();
      await en.xlsx.load(
        await (
          await fetch(`${server.url}/api/ratings/export?methodology=dialog-2025&date=${D}&lang=en`)
        ).arrayBuffer(),
      );
      expect((en.getWorksheet('Rating')!.getRow(1).values as unknown[]).slice(1, 4)).toEqual([
        'Place',
        'Code',
        'Region',
      ]);
      const enAbout = new Map<string, string>();
      en.getWorksheet('Methodology')!.eachRow((row) =>
        enAbout.set(String(row.getCell(1).value), String(row.getCell(2).value)),
      );
      expect(enAbout.get('Rating date')).toBe(D);
      expect(enAbout.get('Data as of')).toBe('2026-03-31 20:00 MSK');

      // Channels of a category, as CSV: UTF-8 BOM, `;`, decimal comma, formula-looking text neutralised.
      const csv = Buffer.from(
        await (
          await fetch(
            `${server.url}/api/ratings/export?methodology=places-average&scope=channels&category=school&parameters=${encodeURIComponent('{"indicators":["subscribers"]}')}&date=${D}&format=csv`,
          )
        ).arrayBuffer(),
      ).toString('utf8');
      const lines2 = csv.split('\r\n').filter(Boolean);
      expect(lines2[0]).toBe(
        '\uFEFFМесто;ID канала;Канал;Балл;Подписчики;Подписчики: место;Изменение места;Примечания',
      );
      expect(lines2[1]).toMatch(/^1;\d+;"'=HYPERLINK\(""http:\/\/x""\)";1;300;1;;$/);
      // In XLSX the same title is a plain string cell, never a formula.
      const book2 = new ExcelJS.Workbook();
      await book2.xlsx.load(
        await (
          await fetch(
            `${server.url}/api/ratings/export?methodology=places-average&scope=channels&category=school&parameters=${encodeURIComponent('{"indicators":["subscribers"]}')}&date=${D}`,
          )
        ).arrayBuffer(),
      );
      const cell = book2.getWorksheet('Рейтинг')!.getRow(2).getCell(3);
      expect(cell.value).toBe('=HYPERLINK("http://x")');
      expect(cell.type).toBe(ExcelJS.ValueType.String);
    } finally {
      await server.close();
    }
  });
});
