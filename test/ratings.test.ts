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
      expect(workbook.getWorksheet('Методика')!.getRow(2).getCell(2).value).toBe('10.03.2026');

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

  it('publishes an immutable rating that recomputes identically from stored observations', async () => {
    const { db } = store();
    const mow = await government(db, 'RU-MOW', 50_000);
    await government(db, 'RU-KO', 7_800);
    const server = await startTestServer(store());
    try {
      const post = await fetch(`${server.url}/api/ratings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ methodology: 'dialog-2025', date: DAY, title: 'Март 2026' }),
      });
      expect(post.status).toBe(201);
      const published = (await post.json()) as {
        id: number;
        rating_date: string;
        inputs_observed_until: string;
      };
      expect(published.rating_date).toBe(DAY);
      expect(published.inputs_observed_until).toBe(new Date(at(DAY)).toISOString());
      const first = await (await fetch(`${server.url}/api/ratings/${published.id}`)).text();
      const verify = async () =>
        (await (await fetch(`${server.url}/api/ratings/${published.id}/verify`)).json()) as {
          identical: boolean;
          differences: unknown[];
        };
      expect(await verify()).toMatchObject({ identical: true, differences: [] });

      // Data of a later day does not touch the published table, and it still recomputes identically.
      await recordObservations(db, [
        { channel_id: mow.id, source: 'bot_api', observed_at: at('2026-03-12'), subscribers: 60_000 },
      ]);
      expect(await verify()).toMatchObject({ identical: true, differences: [] });
      // A figure observed later than the published as-of is left out of the recomputation.
      await recordObservations(db, [
        { channel_id: mow.id, source: 'import:late.csv', observed_at: at(DAY) + 60_000, subscribers: 51_000 },
      ]);
      expect(await verify()).toMatchObject({ identical: true, differences: [] });
      // A late import of a figure observed before the as-of changes what the rating day looks like: the
      // published table stays as it was; verify shows the change.
      const ast = await government(db, 'RU-AST', 13_000, '2026-03-09');
      await recordObservations(db, [
        {
          channel_id: ast.id,
          source: 'import:late.csv',
          observed_at: at(DAY) - 3_600_000,
          subscribers: 13_500,
        },
      ]);
      expect(await (await fetch(`${server.url}/api/ratings/${published.id}`)).text()).toBe(first);
      const after = await verify();
      expect(after.identical).toBe(false);
      expect(after.differences).toContainEqual(
        expect.objectContaining({ key: 'RU-AST', field: 'indicators' }),
      );
      // The database itself refuses to change a published rating.
      await expect(
        db.updateTable('published_ratings').set({ title: 'x' }).where('id', '=', published.id).execute(),
      ).rejects.toThrow(/append-only/);
      await expect(
        db.deleteFrom('published_ratings').where('id', '=', published.id).execute(),
      ).rejects.toThrow(/append-only/);
      const list = (await (await fetch(`${server.url}/api/ratings/published`)).json()) as { total: number };
      expect(list.total).toBe(1);
      const csv = await fetch(`${server.url}/api/ratings/${published.id}/export?format=csv`);
      expect(csv.status).toBe(200);
      expect(await fetch(`${server.url}/api/ratings/999/verify`).then((r) => r.status)).toBe(404);
    } finally {
      await server.close();
    }
  });
});
