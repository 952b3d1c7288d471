import { expect, it } from 'vitest';
import { addChannel, mskAt, startAnalyticsServer } from './helpers/analytics-fixtures.ts';
import type { ApiError } from './helpers/api.ts';
import { csvFile, xlsxFile } from './helpers/import-files.ts';
import { describeEachDialect } from './helpers/stores.ts';

/**
 * Observation files through `POST /api/import/observations`: the register import's reader (encodings,
 * separators, XLSX), row validation naming file/row/column, all-or-nothing, idempotent re-import, and the
 * daily read model kept current (the rating sees the imported figures).
 */

interface Report {
  file: string;
  source: string;
  summary: { created: number; updated: number; unchanged: number; rejected: number };
  errors: { row: number | null; column: string | null; code: string; message: string }[];
  written: boolean;
  regions: string[];
  from: string | null;
  to: string | null;
}

async function upload(url: string, body: Buffer, query: string, type = 'text/csv') {
  const response = await fetch(`${url}/api/import/observations?${query}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body: new Uint8Array(body),
  });
  return { status: response.status, body: (await response.json()) as Report & ApiError };
}

describeEachDialect('observation import', (store) => {
  it('imports a Windows-1251 CSV into observations and the read model; a second run changes nothing', async () => {
    const { db } = store();
    const ba = await addChannel(db, { region: 'RU-BA', nickname: 'gov_ba' });
    const ko = await addChannel(db, { region: 'RU-KO', nickname: 'gov_ko' });
    const server = await startAnalyticsServer(store());
    try {
      const file = csvFile(
        [
          ['Ссылка на канал', 'Дата', 'Время', 'Подписчики', 'Просмотры'],
          ['https://max.ru/gov_ba', '01.12.2025', '', '12 500', '3400'],
          ['@gov_ba', '2025-12-02', '14:30', '12 650', ''],
          ['max.ru/GOV_KO', '02.12.2025', '', '7 800', ''],
        ],
        { encoding: 'cp1251' },
      );
      const first = await upload(server.url, file, 'filename=history.csv');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        source: 'import:history.csv',
        summary: { created: 3, updated: 0, unchanged: 0, rejected: 0 },
        written: true,
        regions: ['RU-BA', 'RU-KO'],
        from: '2025-12-01',
        to: '2025-12-02',
      });
      const stored = await db
        .selectFrom('observations')
        .select(['channel_id', 'source', 'observed_at', 'subscribers', 'views'])
        .orderBy('observed_at')
        .execute();
      expect(stored).toEqual([
        // Without a time: the end of the Moscow day, 23:59:59.999 +03:00.
        {
          channel_id: ba,
          source: 'import:history.csv',
          observed_at: Date.parse('2025-12-01T20:59:59.999Z'),
          subscribers: 12_500,
          views: 3_400,
        },
        {
          channel_id: ba,
          source: 'import:history.csv',
          observed_at: mskAt('2025-12-02', 14, 30),
          subscribers: 12_650,
          views: null,
        },
        {
          channel_id: ko,
          source: 'import:history.csv',
          observed_at: Date.parse('2025-12-02T20:59:59.999Z'),
          subscribers: 7_800,
          views: null,
        },
      ]);
      const daily = await db
        .selectFrom('channel_daily')
        .select(['channel_id', 'day', 'subscribers', 'carried'])
        .orderBy('channel_id')
        .orderBy('day')
        .execute();
      expect(daily).toEqual([
        { channel_id: ba, day: '2025-12-01', subscribers: 12_500, carried: 0 },
        { channel_id: ba, day: '2025-12-02', subscribers: 12_650, carried: 0 },
        { channel_id: ko, day: '2025-12-02', subscribers: 7_800, carried: 0 },
      ]);
      // The rating sees the imported figures.
      const rating = (await (
        await fetch(`${server.url}/api/ratings?methodology=dialog-2025&date=2025-12-02`)
      ).json()) as {
        rows: { key: string; indicators: { subscribers: { value: number | null } } }[];
      };
      expect(rating.rows.find((r) => r.key === 'RU-BA')!.indicators.subscribers.value).toBe(12_650);

      const again = await upload(server.url, file, 'filename=history.csv');
      expect(again.body.summary).toEqual({ created: 0, updated: 0, unchanged: 3, rejected: 0 });
      expect(
        await db
          .selectFrom('observations')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow(),
      ).toEqual({ n: 3 });
    } finally {
      await server.close();
    }
  });

  it('rejects a file with bad rows, naming row and column, and writes nothing', async () => {
    const { db } = store();
    await addChannel(db, { region: 'RU-BA', nickname: 'gov_ba' });
    const server = await startAnalyticsServer(store());
    try {
      const file = await xlsxFile([
        {
          name: 'Данные',
          rows: [
            ['Канал', 'Дата', 'Подписчики'],
            ['gov_ba', '01.12.2025', 12_500],
            ['gov_nobody', '01.12.2025', 100],
            ['gov_ba', '31.02.2025', 100],
            ['gov_ba', '03.12.2025', 'много'],
            ['gov_ba', '01.12.2025', 12_600],
            ['gov_ba', '01.01.2099', 1],
          ],
        },
      ]);
      const dry = await upload(server.url, file, 'dryRun=true&filename=bad.xlsx', 'application/octet-stream');
      expect(dry.status).toBe(200);
      expect(dry.body.summary.rejected).toBe(5);
      const result = await upload(server.url, file, 'filename=bad.xlsx', 'application/octet-stream');
      expect(result.status).toBe(422);
      expect(result.body.error.code).toBe('import_rejected');
      const errors = (result.body.error.details as { errors: Report['errors'] }).errors;
      expect(errors.map((e) => [e.row, e.column, e.code])).toEqual([
        [3, 'Канал', 'unknown_channel'],
        [4, 'Дата', 'bad_date'],
        [5, 'Подписчики', 'bad_subscribers'],
        [6, 'Дата', 'duplicate_observation'],
        [7, 'Дата', 'future_date'],
      ]);
      expect(errors[0]!.message).toBe(
        'bad.xlsx, строка 3, столбец «Канал»: канала «gov_nobody» нет в реестре — сначала добавьте его',
      );
      // All or nothing: the good row 2 was not written either.
      expect(await db.selectFrom('observations').selectAll().execute()).toEqual([]);
      expect(await db.selectFrom('channel_daily').selectAll().execute()).toEqual([]);

      const missing = await upload(
        server.url,
        csvFile([
          ['Канал', 'Подписчики'],
          ['gov_ba', '1'],
        ]),
        'filename=x.csv',
      );
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain('«Дата»');
      // A corrected figure under the same file name is a conflict, not a silent no-op.
      await upload(
        server.url,
        csvFile([
          ['Канал', 'Дата', 'Подписчики'],
          ['gov_ba', '01.12.2025', '10'],
        ]),
        'filename=c.csv',
      );
      const conflict = await upload(
        server.url,
        csvFile([
          ['Канал', 'Дата', 'Подписчики'],
          ['gov_ba', '01.12.2025', '11'],
        ]),
        'filename=c.csv&lang=en',
      );
      expect(conflict.status).toBe(422);
      expect((conflict.body.error.details as { errors: Report['errors'] }).errors[0]).toMatchObject({
        row: 2,
        code: 'conflicting_value',
      });
    } finally {
      await server.close();
    }
  });

  it("lets a regional operator load figures of their own region's channels only", async () => {
    const { db } = store();
    await addChannel(db, { region: 'RU-BA', nickname: 'gov_ba' });
    await addChannel(db, { region: 'RU-KO', nickname: 'gov_ko' });
    const server = await startAnalyticsServer(store(), {
      kind: 'user',
      id: null,
      name: 'operator-ba',
      role: 'operator',
      regions: ['RU-BA'],
    });
    try {
      const file = csvFile([
        ['Канал', 'Дата', 'Подписчики'],
        ['gov_ba', '01.12.2025', '100'],
        ['gov_ko', '01.12.2025', '200'],
      ]);
      const refused = await upload(server.url, file, 'filename=mixed.csv');
      expect(refused.status).toBe(422);
      expect((refused.body.error.details as { errors: Report['errors'] }).errors).toEqual([
        expect.objectContaining({ row: 3, column: 'Канал', code: 'region_not_allowed' }),
      ]);
      const own = await upload(
        server.url,
        csvFile([
          ['Канал', 'Дата', 'Подписчики'],
          ['gov_ba', '01.12.2025', '100'],
        ]),
        'filename=ba.csv',
      );
      expect(own.status).toBe(200);
      expect(own.body.regions).toEqual(['RU-BA']);
    } finally {
      await server.close();
    }
  });
});
