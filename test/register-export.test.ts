import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { expect, it } from 'vitest';
import { CATEGORIES } from '../src/register/categories.ts';
import { exportChannelsToBuffer } from '../src/register/import/channel-export.service.ts';
import { importChannelsFile } from '../src/register/import/channel-import.service.ts';
import { channelTemplate, REFERENCE_SHEET } from '../src/register/import/channel-template.service.ts';
import { readTabular } from '../src/register/import/tabular.reader.ts';
import { listRegions } from '../src/register/region.repository.ts';
import { RU_HEADER } from './helpers/import-files.ts';
import { channelFacts, FORMULA_TITLE, seed, wipeRegister } from './helpers/register-seed.ts';
import { describeEachDialect } from './helpers/stores.ts';

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
