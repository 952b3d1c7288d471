import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { CATEGORIES } from '../src/register/categories.ts';
import { insertChannel, searchTextOf } from '../src/register/channel.repository.ts';
import { exportChannelsToBuffer } from '../src/register/import/channel-export.service.ts';
import { importChannelsFile } from '../src/register/import/channel-import.service.ts';
import { channelTemplate, REFERENCE_SHEET } from '../src/register/import/channel-template.service.ts';
import { readTabular } from '../src/register/import/tabular.reader.ts';
import { insertOrganisation } from '../src/register/organisation.repository.ts';
import { listRegions } from '../src/register/region.repository.ts';
import type { DB } from '../src/store/schema.ts';
import { RU_HEADER } from './helpers/import-files.ts';
import { describeEachDialect } from './helpers/stores.ts';

const now = '2026-01-01T00:00:00.000Z';
const FORMULA_TITLE = '=HYPERLINK("http://evil.example","нажми")';

/** A register with the awkward values: quotes, separators, newlines, formula-like text, empty fields. */
async function seed(db: Kysely<DB>): Promise<void> {
  const org = {
    category: 'regional_government',
    level: 'regional',
    municipality: null,
    search_text: '',
    created_at: now,
    updated_at: now,
  };
  const a = await insertOrganisation(db, {
    ...org,
    name: 'Администрация Главы РБ',
    region_code: 'RU-BA',
    inn: '0274000001',
    ogrn: '1020202555555',
  });
  const b = await insertOrganisation(db, {
    ...org,
    name: 'Администрация ГО г. Уфа',
    region_code: 'RU-BA',
    inn: null,
    ogrn: null,
  });
  const base = { created_at: now, updated_at: now, search_text: '', official_confirmed: 0 as const };
  const channels = [
    {
      platform: 'max',
      nickname: 'glava_rb',
      chat_id: '-72000000000001',
      title: 'Глава «РБ»; "официально",\nвторая строка',
      organisation_id: a.id,
      category: 'regional_government',
      level: 'regional',
      region_code: 'RU-BA',
      municipality: null,
      page_class: 'flagship',
      status: 'active',
      official_confirmed: 1 as const,
    },
    {
      platform: 'max',
      nickname: null,
      chat_id: '-100',
      title: FORMULA_TITLE,
      organisation_id: null,
      category: 'school',
      level: null,
      region_code: null,
      municipality: null,
      page_class: null,
      status: 'candidate',
    },
    {
      platform: 'vk',
      nickname: 'ufa_city',
      chat_id: null,
      title: "'-начинается с апострофа",
      organisation_id: b.id,
      category: 'local_government',
      level: 'municipal',
      region_code: 'RU-BA',
      municipality: 'ГО Уфа',
      page_class: 'card',
      status: 'removed',
    },
    {
      platform: 'telegram',
      nickname: 'news.rb',
      chat_id: null,
      title: '@упоминание +плюс',
      organisation_id: null,
      category: 'other',
      level: 'federal',
      region_code: 'RU-TA',
      municipality: null,
      page_class: 'active',
      status: 'active',
    },
    {
      platform: 'max',
      nickname: 'elki',
      chat_id: null,
      title: 'Ёлки-палки\tс табуляцией',
      organisation_id: null,
      category: 'culture',
      level: null,
      region_code: 'RU-MOW',
      municipality: 'Тверской район',
      page_class: null,
      status: 'active',
    },
  ];
  for (const c of channels) {
    const host = { max: 'max.ru', vk: 'vk.com', telegram: 't.me' }[c.platform];
    await insertChannel(db, {
      ...base,
      ...c,
      url: c.nickname ? `https://${host}/${c.nickname}` : null,
      search_text: searchTextOf(c.title),
    });
  }
}

/**
 * Empties the register (channels, organisations) so the same database plays the fresh installation. (A second
 * PostgreSQL test store cannot be migrated while another test schema exists: Kysely's migrator looks for its
 * lock table in every schema.)
 */
async function wipeRegister(db: Kysely<DB>): Promise<void> {
  await db.deleteFrom('channels').execute();
  await db.deleteFrom('organisations').execute();
}

async function channelFacts(db: Kysely<DB>) {
  return db
    .selectFrom('channels')
    .leftJoin('organisations', 'organisations.id', 'channels.organisation_id')
    .select([
      'platform',
      'nickname',
      'chat_id',
      'url',
      'title',
      'channels.category',
      'channels.level',
      'channels.region_code',
    ])
    .select([
      'channels.municipality',
      'page_class',
      'status',
      'official_confirmed',
      'organisations.name',
      'organisations.inn',
      'organisations.ogrn',
    ])
    .orderBy('channels.id')
    .execute();
}

describeEachDialect('channel export', (store) => {
  it('writes CSV for Excel: UTF-8 BOM, semicolons, CRLF, Russian headers, formulas neutralised', async () => {
    const { db } = store();
    await seed(db);
    const csv = await exportChannelsToBuffer(db, { format: 'csv' });
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe(RU_HEADER.join(';'));
    expect(lines[1]).toBe(
      'MAX;glava_rb;\'-72000000000001;"Глава «РБ»; ""официально"",\nвторая строка";Администрация Главы РБ;0274000001;1020202555555;Правительство региона / губернатор;Региональный;RU-BA;;Флагманский;Действует;да',
    );
    expect(lines[2]).toBe(
      `MAX;;'-100;"'=HYPERLINK(""http://evil.example"",""нажми"")";;;;Школа;;;;;Кандидат;нет`,
    );
    expect(lines[3]).toContain(`;''-начинается с апострофа;`);
    expect(lines[4]).toContain(`;'@упоминание +плюс;`);
    expect(lines).toHaveLength(7);
    expect(lines[6]).toBe('');
  });

  it('writes CSV with commas in Windows-1251 and English headers when asked', async () => {
    const { db } = store();
    await seed(db);
    const csv = await exportChannelsToBuffer(db, {
      format: 'csv',
      delimiter: ',',
      encoding: 'windows-1251',
      lang: 'en',
    });
    expect(csv[0]).not.toBe(0xef);
    const text = iconv.decode(csv, 'win1251');
    expect(text.split('\r\n')[0]).toBe(
      'platform,nickname,chat_id,title,organisation,inn,ogrn,category,level,region,municipality,page_class,status,official_confirmed',
    );
    expect(text).toContain('VK,ufa_city,,');
    expect(text).toContain('Local self-government,Municipal,RU-BA,ГО Уфа,Business card,Removed,no');
  });

  it('writes XLSX: bold frozen header, autofilter, widths, strings never formulas', async () => {
    const { db } = store();
    await seed(db);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      new Uint8Array(await exportChannelsToBuffer(db, { format: 'xlsx', lang: 'en' })).buffer,
    );
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('Channels');
    expect(sheet.getRow(1).getCell(1).value).toBe('platform');
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe('A1:N1');
    expect(sheet.getColumn(4).width).toBe(36);
    const title = sheet.getRow(3).getCell(4);
    expect(title.type).toBe(ExcelJS.ValueType.String);
    expect(title.value).toBe(FORMULA_TITLE);
    expect(sheet.getRow(3).getCell(3).value).toBe('-100');
    expect(sheet.getRow(2).getCell(2).value).toEqual({
      text: 'glava_rb',
      hyperlink: 'https://max.ru/glava_rb',
    });
  });

  it('filters by region and streams in pages without changing the result', async () => {
    const { db } = store();
    await seed(db);
    const ta = (await exportChannelsToBuffer(db, { format: 'csv', filter: { region: ['RU-TA'] } })).toString(
      'utf8',
    );
    expect(ta.trim().split('\r\n')).toHaveLength(2);
    expect(ta).toContain('news.rb');
    const paged = await exportChannelsToBuffer(db, { format: 'csv', pageSize: 2 });
    expect(paged.equals(await exportChannelsToBuffer(db, { format: 'csv' }))).toBe(true);
  });

  it.each(['csv', 'xlsx'] as const)(
    '%s: export → import into a fresh database → export is identical',
    async (format) => {
      const { db } = store();
      await seed(db);
      const first = await exportChannelsToBuffer(db, { format });
      const facts = await channelFacts(db);
      await wipeRegister(db);
      const imported = await importChannelsFile(db, first, `register.${format}`);
      expect(imported.errors).toEqual([]);
      expect(imported.summary).toEqual({ created: 5, updated: 0, unchanged: 0, rejected: 0 });
      const second = await exportChannelsToBuffer(db, { format });
      if (format === 'csv') expect(second.equals(first)).toBe(true);
      const [a, b] = [await readTabular(first, 'a.xlsx'), await readTabular(second, 'b.xlsx')];
      expect(b.headers).toEqual(a.headers);
      expect(b.rows).toEqual(a.rows);
      expect(await channelFacts(db)).toEqual(facts);
      const again = await importChannelsFile(db, second, `register.${format}`);
      expect(again.summary).toEqual({ created: 0, updated: 0, unchanged: 5, rejected: 0 });
    },
  );

  it('formula-like text is neutralised in the file and restored by the import', async () => {
    const { db } = store();
    await seed(db);
    const csv = await exportChannelsToBuffer(db, { format: 'csv' });
    const table = await readTabular(csv, 'x.csv');
    expect(table.rows[1]!.cells[3]).toBe(FORMULA_TITLE);
    expect(table.rows[2]!.cells[3]).toBe("'-начинается с апострофа");
    expect(csv.toString('utf8')).not.toMatch(/;=HYPERLINK/);
  });

  it('template: header, grey italic hint row, reference sheet; importing it filled in works', async () => {
    const { db } = store();
    const buffer = await channelTemplate(await listRegions(db), 'ru');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(buffer).buffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Каналы', REFERENCE_SHEET]);
    const data = workbook.worksheets[0]!;
    expect(data.getRow(1).values).toEqual([undefined, ...RU_HEADER]);
    expect(data.getRow(1).font?.bold).toBe(true);
    expect(data.getRow(2).getCell(1).font).toMatchObject({ italic: true, color: { argb: 'FF808080' } });
    const ref = workbook.getWorksheet(REFERENCE_SHEET)!;
    const texts: string[] = [];
    ref.eachRow((row) => row.eachCell((cell) => texts.push(String(cell.value))));
    for (const c of CATEGORIES) expect(texts).toContain(c.ru);
    for (const v of [
      'Регионы',
      'Уровни',
      'Классы страниц',
      'Статусы',
      'RU-BA',
      'Республика Башкортостан',
      'RU-KHE',
    ]) {
      expect(texts).toContain(v);
    }
    expect(texts.filter((t) => /^RU-[A-Z]+$/.test(t))).toHaveLength(89);

    const untouched = await importChannelsFile(db, buffer, 'template.xlsx');
    expect(untouched).toMatchObject({ total: 0, errors: [], summary: { created: 0, rejected: 0 } });

    data.getRow(3).values = [
      'MAX',
      'max.ru/new_school',
      '',
      'Школа',
      '',
      '',
      '',
      'Школа',
      'Муниципальный',
      'Республика Башкортостан',
      '',
      '',
      '',
      'да',
    ];
    const filled = Buffer.from(await workbook.xlsx.writeBuffer());
    const result = await importChannelsFile(db, filled, 'filled.xlsx');
    expect(result).toMatchObject({ total: 1, errors: [], summary: { created: 1, rejected: 0 } });
    const channel = await db.selectFrom('channels').selectAll().executeTakeFirstOrThrow();
    expect(channel).toMatchObject({
      nickname: 'new_school',
      region_code: 'RU-BA',
      category: 'school',
      official_confirmed: 1,
    });

    const en = await channelTemplate(await listRegions(db), 'en');
    const enTable = await readTabular(en, 'en.xlsx');
    expect(enTable.headers[0]).toBe('platform');
    expect((await importChannelsFile(db, en, 'en.xlsx')).total).toBe(0);
  });
});
