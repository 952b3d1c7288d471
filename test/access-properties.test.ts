import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { registeredRoutes } from '../src/access/access.plugin.ts';
import { normaliseNickname, platformOfLink } from '../src/register/nickname.ts';
import { type ApiError, requestJson, startTestServer } from './helpers/api.ts';
import { channelRow, csvText, RU_HEADER, xlsxFile } from './helpers/import-files.ts';
import { describeEachDialect } from './helpers/stores.ts';

/**
 * Hostile or broken input is refused without harm: random files never crash an import (4xx or 2xx, never
 * 5xx) and a refused import writes nothing; nickname normalisation never throws and is idempotent; random
 * query strings of the channel list are 200 or 400, never 500.
 */

const PLATFORMS = ['max', 'vk', 'ok', 'telegram'] as const;

it('normalises nicknames and addresses without throwing, idempotently', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc
          .tuple(
            fc.constantFrom('', 'http://', 'https://', 'HTTPS://www.', '@', ' '),
            fc.constantFrom('', 'max.ru/', 'web.max.ru/', 'vk.com/', 't.me/', 'example.com/', 'ok.ru/'),
            fc.stringMatching(/^[A-Za-z0-9_.\-@/?#]{0,40}$/),
          )
          .map(([a, b, c]) => `${a}${b}${c}`),
      ),
      fc.constantFrom(...PLATFORMS),
      (input, platform) => {
        const first = normaliseNickname(input, platform);
        platformOfLink(input);
        if (!first.ok) return;
        expect(first.nickname).toMatch(/^[a-z0-9][a-z0-9_.-]{1,63}$/);
        const again = normaliseNickname(first.nickname, platform);
        expect(again).toEqual(first);
        const fromUrl = normaliseNickname(first.url, platform);
        expect(fromUrl).toEqual(first);
        expect(normaliseNickname(`@${first.nickname.toUpperCase()}`, platform)).toEqual(first);
      },
    ),
    { numRuns: 2000 },
  );
});

/** Text that looks like a register file: a header of known and unknown columns, rows of odd cells. */
const csvish = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc.constantFrom(
          'Никнейм',
          'Категория',
          'Регион',
          'ID чата',
          'Название',
          'ИНН',
          'Статус',
          'Платформа',
        ),
        fc.string({ maxLength: 12 }),
      ),
      { minLength: 1, maxLength: 8 },
    ),
    fc.array(
      fc.array(
        fc.oneof(
          fc.string({ maxLength: 20 }),
          fc.constantFrom('max.ru/x', 'RU-BA', 'Школа', '-100', '=1+1', '"', ';', '\n', '7701234567', ''),
        ),
        { maxLength: 8 },
      ),
      { maxLength: 15 },
    ),
    fc.constantFrom(';', ',', '\t'),
  )
  .map(([header, rows, delimiter]) => Buffer.from(csvText([header, ...rows], delimiter)));

let serial = 0;

/** Valid register rows with, sometimes, one broken row among them: the whole file must then be refused. */
const mostlyValid = fc
  .tuple(
    fc.integer({ min: 1, max: 12 }),
    fc.option(
      fc.tuple(
        fc.nat(),
        fc.constantFrom('RU-XX', 'Атлантида', ''),
        fc.constantFrom('Школа', 'непонятно', ''),
      ),
    ),
  )
  .map(([n, broken]) => {
    const rows = [['Никнейм', 'Категория', 'Регион']];
    for (let i = 0; i < n; i++) rows.push([`max.ru/prop_${++serial}`, 'Школа', 'RU-BA']);
    if (broken) {
      const [at, region, category] = broken;
      rows.splice(1 + (at % n), 0, [`prop_bad_${++serial}`, category, region]);
    }
    return Buffer.from(csvText(rows));
  });

async function xlsxOf(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Лист1');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describeEachDialect('hostile input', (store, dialect) => {
  const runs = dialect === 'sqlite' ? 60 : 25;

  it('never crashes an import and never writes part of a refused one', async () => {
    const server = await startTestServer(store());
    try {
      const valid = await xlsxOf([
        ['Никнейм', 'Категория', 'Регион'],
        ['max.ru/seed_channel', 'Школа', 'RU-BA'],
      ]);
      const files = fc.oneof(
        fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
        csvish,
        mostlyValid,
        fc
          .uint8Array({ maxLength: 400 })
          .map((b) => Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from(b)])),
        fc
          .array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 20,
          })
          .map((flips) => {
            const copy = Buffer.from(valid);
            for (const [at, byte] of flips) copy[at] = byte;
            return copy;
          }),
        fc
          .array(fc.array(fc.string({ maxLength: 15 }), { maxLength: 5 }), { maxLength: 6 })
          .chain((rows) => fc.constant(rows))
          .map((rows) => ({ rows })),
      );
      const count = async (table: 'channels' | 'organisations' | 'region_population') =>
        Number(
          (
            await store()
              .db.selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      await fc.assert(
        fc.asyncProperty(
          files,
          fc.constantFrom('channels', 'population'),
          fc.constantFrom('text/csv', 'application/octet-stream', 'text/plain', 'application/vnd.ms-excel'),
          async (file, kind, type) => {
            const body = Buffer.isBuffer(file) ? file : await xlsxOf(file.rows);
            const before = [
              await count('channels'),
              await count('organisations'),
              await count('region_population'),
            ];
            const response = await fetch(`${server.url}/api/import/${kind}`, {
              method: 'POST',
              headers: { 'content-type': type },
              body: new Uint8Array(body),
            });
            const text = await response.text();
            expect(response.status, text).toBeLessThan(500);
            const written = response.status === 200 && (JSON.parse(text) as { written: boolean }).written;
            if (!written) {
              expect([
                await count('channels'),
                await count('organisations'),
                await count('region_population'),
              ]).toEqual(before);
            }
          },
        ),
        { numRuns: runs },
      );
    } finally {
      await server.close();
    }
  });

  it('answers any path parameter of any API route without a 5xx', async () => {
    const server = await startTestServer(store());
    try {
      const routes = registeredRoutes(server.app).filter(
        (r) => r.method === 'GET' && r.url.startsWith('/api/') && /:\w+/.test(r.url),
      );
      expect(routes.length).toBeGreaterThan(8);
      const values = fc.oneof(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map(String),
        fc.constantFrom(
          '2147483648',
          '99999999999',
          '0',
          '-1',
          '1.5',
          '1e9',
          'RU-BA',
          'ru-ba',
          'dialog-2025',
          '..',
          '%00',
        ),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), values, async (route, value) => {
          const path = route.url.replace(/:\w+/g, encodeURIComponent(value));
          const response = await fetch(`${server.url}${path}`);
          const text = await response.text();
          expect(response.status, `${path} → ${text.slice(0, 200)}`).toBeLessThan(500);
        }),
        { numRuns: dialect === 'sqlite' ? 300 : 150 },
      );
    } finally {
      await server.close();
    }
  });

  it('refuses NUL characters in queries, paths and JSON with 400, and drops them from imported XLSX cells', async () => {
    const server = await startTestServer(store());
    try {
      const query = await requestJson<ApiError>(server.url, 'GET', '/api/channels?region=%00');
      expect(query.status).toBe(400);
      expect(query.body.error.details).toEqual([expect.objectContaining({ path: 'querystring/region' })]);
      const path = await requestJson<ApiError>(server.url, 'GET', '/api/regions/RU-%00');
      expect(path.status).toBe(400);
      const body = await requestJson<ApiError>(server.url, 'POST', '/api/organisations', {
        name: 'Школа\u0000',
        category: 'school',
      });
      expect(body.status).toBe(400);
      expect(body.body.error.details).toEqual([expect.objectContaining({ path: 'body/name' })]);

      // A CSV with NUL bytes is refused as binary; an XLSX cell may still carry one.
      const xlsx = await xlsxFile([
        { name: 'Каналы', rows: [RU_HEADER, channelRow(1, { Название: 'Школа\u0000 № 1' })] },
      ]);
      const imported = await fetch(`${server.url}/api/import/channels?filename=nul.xlsx`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
        body: new Uint8Array(xlsx),
      });
      expect(imported.status, await imported.clone().text()).toBe(200);
      const listed = await requestJson<{ items: Array<{ title: string | null }> }>(
        server.url,
        'GET',
        '/api/channels?q=school_1',
      );
      expect(listed.body.items.map((c) => c.title)).toEqual(['Школа № 1']);
    } finally {
      await server.close();
    }
  });

  it('answers any query of the channel list with 200 or 400, never 500', async () => {
    const server = await startTestServer(store());
    try {
      const keys = fc.oneof(
        fc.constantFrom(
          'region',
          'category',
          'platform',
          'status',
          'organisation_id',
          'municipality',
          'q',
          'sort',
          'page',
          'per_page',
          'cursor',
        ),
        fc.string({ maxLength: 8 }),
      );
      const values = fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.integer().map(String),
        fc.constantFrom(
          '99999999999999999999',
          '-1',
          '0',
          '1e309',
          'NaN',
          '2147483648',
          'RU-BA,RU-MOW',
          '-title',
          "'; drop table channels; --",
          '%',
          '\u0000',
        ),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(keys, values), { maxLength: 6 }), async (pairs) => {
          const query = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
          const response = await fetch(`${server.url}/api/channels?${query}`);
          const text = await response.text();
          expect([200, 400], `${query} → ${response.status} ${text.slice(0, 200)}`).toContain(
            response.status,
          );
        }),
        { numRuns: dialect === 'sqlite' ? 300 : 120 },
      );
    } finally {
      await server.close();
    }
  });
});
