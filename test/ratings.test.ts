import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { computeRegionRating } from '../src/analytics/rating.service.ts';
import { recordObservations } from '../src/collect/observation.repository.ts';
import { insertChannel, searchTextOf } from '../src/register/channel.repository.ts';
import { upsertPopulation } from '../src/register/region.repository.ts';
import type { DB } from '../src/store/schema.ts';
import { startTestServer } from './helpers/api.ts';
import { describeEachDialect } from './helpers/stores.ts';

const DAY = '2026-03-10';
const at = (day: string) => Date.parse(`${day}T20:00:00+03:00`);

async function government(db: Kysely<DB>, region: string, subscribers: number, day = DAY) {
  const now = new Date().toISOString();
  const c = await insertChannel(db, {
    platform: 'max',
    nickname: `gov_${region.toLowerCase().replace('ru-', '')}`,
    title: `Правительство ${region}`,
    category: 'regional_government',
    region_code: region,
    status: 'active',
    official_confirmed: 1,
    search_text: searchTextOf(region),
    created_at: now,
    updated_at: now,
  });
  await recordObservations(db, [{ channel_id: c.id, source: 'bot_api', observed_at: at(day), subscribers }]);
  return c;
}

describeEachDialect('regional ratings from the read model', (store) => {
  it('computes dialog-2025 from observations with the population valid at the date', async () => {
    const { db } = store();
    // Reference populations (1 Jan 2025): Moscow 13,274,285; Chukotka and Astrakhan from reference/regions.csv.
    await government(db, 'RU-MOW', 50_000);
    await government(db, 'RU-AST', 13_000);
    await government(db, 'RU-CHU', 1_200);
    const table = await computeRegionRating(db, { methodology: 'dialog-2025', date: DAY, previousDays: 0 });
    expect(table.rows).toHaveLength(89);
    const row = (code: string) => table.rows.find((r) => r.key === code)!;
    expect(row('RU-MOW').indicators.subscribers?.value).toBe(50_000);
    expect(row('RU-MOW').indicators.subscribers_per_1000?.value).toBeCloseTo((50_000 * 1000) / 13_274_285, 9);
    // Places: subscribers MOW 1, AST 2, CHU 3; per 1,000: CHU 1 (1,200/~47k), AST 2, MOW 3 → averages 2, 2, 2.
    expect(row('RU-CHU').indicators.subscribers_per_1000?.place).toBe(1);
    expect(row('RU-AST').place).toBe(1);
    expect(row('RU-MOW').place).toBe(1);
    expect(row('RU-CHU').place).toBe(1);
    // Regions without a government channel are listed, unranked.
    expect(row('RU-BA').place).toBeNull();

    // A new population figure for Moscow from 2026-03-01 changes the per-capita value at the rating date only.
    await upsertPopulation(db, [
      { region_code: 'RU-MOW', as_of: '2026-03-01', population: 10_000_000, source: 'test' },
    ]);
    const after = await computeRegionRating(db, { methodology: 'dialog-2025', date: DAY, previousDays: 0 });
    expect(after.rows.find((r) => r.key === 'RU-MOW')!.indicators.subscribers_per_1000?.value).toBeCloseTo(
      5,
      9,
    );
    const before = await computeRegionRating(db, {
      methodology: 'dialog-2025',
      date: '2026-02-20',
      previousDays: 0,
    });
    expect(before.rows.find((r) => r.key === 'RU-MOW')!.indicators.subscribers?.value ?? null).toBeNull();
  });

  it('serves the rating, its methodologies and its XLSX/CSV exports over HTTP', async () => {
    const { db } = store();
    await government(db, 'RU-MOW', 50_000);
    await government(db, 'RU-KO', 7_800);
    const server = await startTestServer(store());
    try {
      const live = await fetch(`${server.url}/api/ratings?methodology=dialog-2025&date=${DAY}`);
      expect(live.status).toBe(200);
      const body = (await live.json()) as { rows: { key: string; place: number | null }[]; asOf: string };
      expect(body.asOf).toBe(DAY);
      expect(
        body.rows
          .filter((r) => r.place !== null)
          .map((r) => r.key)
          .sort(),
      ).toEqual(['RU-KO', 'RU-MOW']);
      const bad = await fetch(`${server.url}/api/ratings?methodology=nope`);
      expect(bad.status).toBe(400);
      const methodologies = (await (await fetch(`${server.url}/api/methodologies`)).json()) as {
        items: { id: string }[];
      };
      expect(methodologies.items.map((m) => m.id)).toEqual(
        expect.arrayContaining(['dialog-2025', 'network', 'places-average', 'views-per-post']),
      );

      const xlsx = await fetch(
        `${server.url}/api/ratings/export?methodology=dialog-2025&date=${DAY}&format=xlsx`,
      );
      expect(xlsx.headers.get('content-disposition')).toContain('ohvat-rating-dialog-2025-2026-03-10.xlsx');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await xlsx.arrayBuffer());
      const sheet = workbook.getWorksheet('Рейтинг')!;
      expect(sheet.getRow(1).getCell(1).value).toBe('Место');
      expect(sheet.getRow(1).getCell(3).value).toBe('Регион');
      expect(sheet.rowCount).toBe(90);
      expect(workbook.getWorksheet('Методика')!.getRow(2).getCell(2).value).toBe(DAY);

      const csv = Buffer.from(
        await (
          await fetch(`${server.url}/api/ratings/export?methodology=dialog-2025&date=${DAY}&format=csv`)
        ).arrayBuffer(),
      ).toString('utf8');
      expect(csv.startsWith('\uFEFFМесто;Код;Регион')).toBe(true);
      expect(csv.split('\r\n').filter(Boolean)).toHaveLength(90);
    } finally {
      await server.close();
    }
  });
});
