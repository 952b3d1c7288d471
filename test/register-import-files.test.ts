import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CHANNEL_COLUMNS } from '../src/register/import/channel.columns.ts';
import { neutraliseCsvCell } from '../src/register/import/channel-export.service.ts';
import { validateChannelTable } from '../src/register/import/channel-row.validator.ts';
import { formatIssue, formatReport } from '../src/register/import/import.issues.ts';
import { buildRegionLookup } from '../src/register/import/region.lookup.ts';
import { readTabular, unneutralise, wholeNumberCell } from '../src/register/import/tabular.reader.ts';
import { normaliseNickname, platformOfLink } from '../src/register/nickname.ts';
import { ValidationError } from '../src/shared/errors.ts';
import { loadReferenceRegions } from '../src/store/reference-regions.ts';
import { channelRow, csvFile, RU_HEADER, xlsxFile } from './helpers/import-files.ts';

const regions = buildRegionLookup(loadReferenceRegions().regions);

async function validate(rows: string[][], file = 'channels.csv') {
  return validateChannelTable(await readTabular(csvFile(rows), file), regions);
}

async function readError(buffer: Buffer, file: string): Promise<ValidationError> {
  const error = await readTabular(buffer, file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('tabular reader', () => {
  it('reads a Windows-1251 file separated by semicolons', async () => {
    const table = await readTabular(
      csvFile([RU_HEADER, channelRow(1, { Название: 'Глава «Башкортостана»; официально' })], {
        encoding: 'cp1251',
      }),
      'cp1251.csv',
    );
    expect(table).toMatchObject({
      encoding: 'windows-1251',
      delimiter: ';',
      headerRow: 1,
      headers: RU_HEADER,
    });
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]!.row).toBe(2);
    expect(table.rows[0]!.cells[3]).toBe('Глава «Башкортостана»; официально');
  });

  it('reads a UTF-8 file with BOM separated by commas', async () => {
    const table = await readTabular(
      csvFile(
        [
          ['Никнейм', 'Регион'],
          ['max.ru/ufa', 'Уфа, столица'],
        ],
        {
          delimiter: ',',
          encoding: 'utf-8-bom',
        },
      ),
      'bom.csv',
    );
    expect(table).toMatchObject({ encoding: 'utf-8', delimiter: ',', headers: ['Никнейм', 'Регион'] });
    expect(table.rows[0]!.cells).toEqual(['max.ru/ufa', 'Уфа, столица']);
  });

  it('numbers rows as Excel does: quoted newlines stay in one row, empty rows are skipped but counted', async () => {
    const text =
      'Никнейм;Название\r\nalpha;"Первая строка\nвторая; с разделителем"\r\nbeta;Бета\r\n\r\n;\r\ngamma;Гамма\r\n';
    const table = await readTabular(Buffer.from(text), 'lines.csv');
    expect(table.rows.map((r) => [r.row, r.cells[0]])).toEqual([
      [2, 'alpha'],
      [3, 'beta'],
      [6, 'gamma'],
    ]);
    expect(table.rows[0]!.cells[1]).toBe('Первая строка\nвторая; с разделителем');
  });

  it('detects the separator from the header line outside quotes', async () => {
    const table = await readTabular(Buffer.from('"Ник;нейм",Регион,Название\nufa,RU-BA,"a;b"\n'), 'q.csv');
    expect(table.delimiter).toBe(',');
    expect(table.headers).toEqual(['Ник;нейм', 'Регион', 'Название']);
  });

  it('reads XLSX cells of every type from the first or a named sheet', async () => {
    const buffer = await xlsxFile([
      { name: 'Прочее', rows: [['Никнейм'], ['other']] },
      {
        name: 'Каналы',
        rows: [
          [
            { richText: [{ text: 'Ник' }, { text: 'нейм', font: { bold: true } }] },
            'Численность',
            'Дата',
            'Флаг',
            'ID',
          ],
          [
            { text: 'glava', hyperlink: 'https://max.ru/glava' },
            { formula: '4000000+42431', result: 4042431 },
            new Date(Date.UTC(2025, 0, 1)),
            true,
            -72000000000123,
          ],
          [],
          [
            { richText: [{ text: 'u' }, { text: 'fa' }] },
            3.5,
            { formula: 'NA()', result: { error: '#N/A' } },
          ],
        ],
      },
    ]);
    const first = await readTabular(buffer, 'book.xlsx');
    expect(first).toMatchObject({ format: 'xlsx', sheet: 'Прочее', headers: ['Никнейм'] });
    const named = await readTabular(buffer, 'book.xlsx', { sheet: 'каналы' });
    expect(named.headers).toEqual(['Никнейм', 'Численность', 'Дата', 'Флаг', 'ID']);
    expect(named.rows).toEqual([
      { row: 2, cells: ['glava', '4042431', '2025-01-01', 'true', '-72000000000123'] },
      { row: 4, cells: ['ufa', '3.5', '#N/A', '', ''] },
    ]);
    const missing = await readTabular(buffer, 'book.xlsx', { sheet: 'Нет такого' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ValidationError);
    expect((missing as ValidationError).message).toContain(
      'book.xlsx: нет листа «Нет такого» (есть: Прочее, Каналы)',
    );
  });

  it('rejects unsupported and empty files with an error naming the file', async () => {
    const pdf = await readError(Buffer.from('%PDF-1.7\n1 0 obj\n'), 'реестр.pdf');
    expect(pdf.message).toMatch(/^реестр\.pdf: это PDF/);
    expect(pdf.details).toMatchObject({ file: 'реестр.pdf', code: 'unsupported_file' });
    expect((await readError(Buffer.alloc(0), 'empty.csv')).details).toMatchObject({ code: 'empty_file' });
    expect((await readError(Buffer.from('\r\n  \n'), 'blank.csv')).details).toMatchObject({
      code: 'empty_file',
    });
    const xls = await readError(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'old.xls');
    expect(xls.message).toContain('.xlsx');
    const binary = await readError(Buffer.from([1, 2, 0, 4, 5, 0, 7]), 'blob.bin');
    expect(binary.details).toMatchObject({ code: 'unsupported_file' });
    const emptySheet = await readError(await xlsxFile([{ name: 'Лист1', rows: [] }]), 'empty.xlsx');
    expect(emptySheet.details).toMatchObject({ file: 'empty.xlsx', code: 'no_header' });
    const zip = await readError(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'broken.xlsx');
    expect(zip.details).toMatchObject({ code: 'bad_xlsx' });
  });

  it('undoes exactly the formula neutralisation of the export', () => {
    fc.assert(fc.property(fc.string(), (s) => unneutralise(neutraliseCsvCell(s)) === s));
    expect(neutraliseCsvCell('=HYPERLINK("x")')).toBe(`'=HYPERLINK("x")`);
    expect(neutraliseCsvCell("'=1")).toBe("''=1");
    expect(neutraliseCsvCell("it's")).toBe("it's");
    expect(unneutralise("'-100")).toBe('-100');
    expect(unneutralise("'plain")).toBe("'plain");
  });

  it('reads whole numbers as spreadsheets write them, and nothing that could be a decimal', () => {
    for (const [text, value] of [
      ['12500', 12_500],
      [' 12 500 ', 12_500],
      ['12\u00a0500', 12_500],
      ['1\u202f250\u202f000', 1_250_000],
      ['12,500', 12_500],
      ['1,250,000', 1_250_000],
      ['0', 0],
    ] as const) {
      expect(wholeNumberCell(text), text).toBe(value);
    }
    for (const text of [
      '',
      '12,5',
      '12,50',
      '1,2500',
      '12.500',
      '12 500,00',
      '-5',
      '1e3',
      '12,500 000',
      'много',
    ]) {
      expect(wholeNumberCell(text), text).toBeNaN();
    }
  });
});

describe('nickname and region spellings', () => {
  it('accepts max.ru/x, https://max.ru/x, @x and x; infers the platform of a link', () => {
    for (const input of [
      'max.ru/Glava_RB',
      'https://max.ru/glava_rb',
      '@glava_rb',
      'glava_rb',
      'https://web.max.ru/glava_rb/',
    ]) {
      expect(normaliseNickname(input)).toEqual({
        ok: true,
        nickname: 'glava_rb',
        url: 'https://max.ru/glava_rb',
      });
    }
    expect(platformOfLink('https://vk.com/ufa')).toBe('vk');
    expect(platformOfLink('t.me/ufa_news')).toBe('telegram');
    expect(platformOfLink('www.ok.ru/group')).toBe('ok');
    expect(platformOfLink('https://max.ru/x')).toBe('max');
    expect(platformOfLink('@ufa')).toBeUndefined();
    expect(platformOfLink('https://example.com/x')).toBeUndefined();
  });

  it('resolves region codes, names with or without the type word, and abbreviations', () => {
    for (const v of [
      'Республика Башкортостан',
      'Башкортостан',
      'RU-BA',
      'ru-ba',
      ' republic of bashkortostan ',
    ]) {
      expect(regions.resolve(v)).toBe('RU-BA');
    }
    expect(regions.resolve('г. Москва')).toBe('RU-MOW');
    expect(regions.resolve('Московская область')).toBe('RU-MOS');
    expect(regions.resolve('Moscow Oblast')).toBe('RU-MOS');
    expect(regions.resolve('Якутия')).toBe('RU-SA');
    expect(regions.resolve('Кузбасс')).toBe('RU-KEM');
    expect(regions.resolve('ХМАО')).toBe('RU-KHM');
    expect(regions.resolve('Чувашская Республика - Чувашия')).toBe('RU-CU');
    expect(regions.resolve('Северная Осетия — Алания')).toBe('RU-SE');
    expect(regions.resolve('Башкирия')).toBeUndefined();
    // Ambiguous between Altai Republic and Altai Krai: accepted for neither.
    expect(regions.resolve('Altai')).toBeUndefined();
    expect(regions.resolve('Алтай')).toBe('RU-AL');
    expect(regions.resolve('Алтайский край')).toBe('RU-ALT');
  });
});

describe('channel row validation', () => {
  it('reports an unknown region with file, row, column, code and both messages', async () => {
    const v = await validate([RU_HEADER, channelRow(1), channelRow(2, { Регион: 'Башкирия' })]);
    expect(v.rows.map((r) => r.row)).toEqual([2]);
    expect(v.errors).toEqual([
      {
        file: 'channels.csv',
        row: 3,
        column: 'Регион',
        value: 'Башкирия',
        code: 'unknown_region',
        message_ru: 'неизвестный регион «Башкирия» (ожидается код вроде RU-BA или название)',
        message_en: 'unknown region "Башкирия" (expected a code like RU-BA or a name)',
      },
    ]);
    expect(formatIssue(v.errors[0]!, 'ru')).toBe(
      'channels.csv, строка 3, столбец «Регион»: неизвестный регион «Башкирия» (ожидается код вроде RU-BA или название)',
    );
    expect(formatIssue(v.errors[0]!, 'en')).toBe(
      'channels.csv, row 3, column "Регион": unknown region "Башкирия" (expected a code like RU-BA or a name)',
    );
  });

  it.each([
    ['Никнейм', 'bad nick!', 'bad_nickname'],
    ['Никнейм', 'https://vk.com/ufa', 'bad_nickname'],
    ['Платформа', 'Одноглазники', 'unknown_platform'],
    ['Категория', 'Завод', 'unknown_category'],
    ['Уровень', 'Галактический', 'unknown_level'],
    ['Статус', 'Спит', 'unknown_status'],
    ['Класс страницы', 'Премиум', 'unknown_page_class'],
    ['Подтверждён', 'может быть', 'bad_boolean'],
    ['ID чата', '12ab', 'bad_chat_id'],
    ['ИНН', '123', 'bad_inn'],
    ['ОГРН', '12345', 'bad_ogrn'],
  ])('column «%s» = «%s» → %s', async (column, value, code) => {
    const v = await validate([RU_HEADER, channelRow(1), channelRow(2), channelRow(3, { [column]: value })]);
    expect(v.errors).toHaveLength(1);
    expect(v.errors[0]).toMatchObject({ file: 'channels.csv', row: 4, column, value, code });
    expect(v.rows).toHaveLength(2);
  });

  it('rejects a row with neither nickname nor chat id, and names both rows of a duplicate', async () => {
    const v = await validate([
      RU_HEADER,
      channelRow(1),
      channelRow(2, { Никнейм: '', 'ID чата': '' }),
      channelRow(3, { Никнейм: '@School_1', 'ID чата': '' }),
      channelRow(4, { Никнейм: '', 'ID чата': String(-72_000_000_000_001) }),
    ]);
    expect(v.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [3, 'Никнейм', 'missing_identity'],
      [4, 'Никнейм', 'duplicate_nickname'],
      [5, 'ID чата', 'duplicate_chat_id'],
    ]);
    expect(v.errors[1]!.message_ru).toBe(
      'никнейм «school_1» уже есть в строке 2 (строки 2 и 4 — один и тот же канал)',
    );
    expect(v.errors[2]!.message_en).toContain('already appears in row 2 (rows 2 and 5 are the same channel)');
  });

  it('accepts English, mixed-case and ё-less headers, every yes/no spelling, and warns about unknown columns', async () => {
    const v = await validate([
      [
        'NICKNAME ',
        'Chat ID',
        'Region',
        'category',
        'Official_Confirmed',
        'Подтвержден',
        'Комментарий',
        'Ссылка',
      ],
      ['max.ru/a1', '', 'bashkortostan', 'school', 'yes', '', 'x', ''],
      ['@a2', '-5', 'RU-ba', 'Школа', 'нет', '', '', ''],
      ['a3', '', 'Республика Башкортостан', 'СОШ', 'TRUE', '', '', ''],
      ['a4', '', '', 'Школа', '0', '', '', ''],
    ]);
    expect(v.errors).toEqual([]);
    expect(
      v.rows.map((r) => [r.nickname, r.chat_id, r.region_code, r.category, r.official_confirmed]),
    ).toEqual([
      ['a1', null, 'RU-BA', 'school', 1],
      ['a2', '-5', 'RU-BA', 'school', 0],
      ['a3', null, 'RU-BA', 'school', 1],
      ['a4', null, null, 'school', 0],
    ]);
    expect(v.warnings.map((w) => [w.row, w.column, w.code])).toEqual([
      [1, 'Подтвержден', 'duplicate_column'],
      [1, 'Комментарий', 'unknown_column'],
      [1, 'Ссылка', 'duplicate_column'],
    ]);
  });

  it('infers the platform from a link when the platform cell is empty', async () => {
    const v = await validate([
      ['Платформа', 'Ссылка', 'Категория'],
      ['', 'https://vk.com/ufa_city', 'МСУ'],
      ['', 'max.ru/ufa', 'МСУ'],
    ]);
    expect(v.rows.map((r) => [r.platform, r.nickname])).toEqual([
      ['vk', 'ufa_city'],
      ['max', 'ufa'],
    ]);
  });

  it('skips the template hint row when it is left in', async () => {
    const hint = CHANNEL_COLUMNS.map((c) => c.hint_ru);
    const v = await validate([RU_HEADER, hint, channelRow(1)]);
    expect(v.errors).toEqual([]);
    expect(v.total).toBe(1);
    expect(v.rows.map((r) => r.row)).toEqual([3]);
  });

  it('refuses files without a recognisable header or without an identity column', async () => {
    const noHeader = await validate(
      [
        ['foo', 'bar'],
        ['1', '2'],
      ],
      'x.csv',
    ).catch((e: unknown) => e);
    expect(noHeader).toBeInstanceOf(ValidationError);
    expect((noHeader as ValidationError).details).toMatchObject({ file: 'x.csv', code: 'no_header' });
    const noIdentity = await validate(
      [
        ['Название', 'Регион'],
        ['Школа', 'RU-BA'],
      ],
      'y.csv',
    ).catch((e: unknown) => e);
    expect((noIdentity as ValidationError).details).toMatchObject({
      file: 'y.csv',
      code: 'missing_identity_column',
    });
  });

  it('prints the first errors and how many more', async () => {
    const rows = [
      RU_HEADER,
      ...Array.from({ length: 60 }, (_, i) => channelRow(i + 1, { Регион: 'Атлантида' })),
    ];
    const v = await validate(rows);
    const report = formatReport(
      {
        summary: { created: 0, updated: 0, unchanged: 0, rejected: 60 },
        errors: v.errors,
        warnings: [],
        dryRun: false,
        written: false,
      },
      'ru',
    );
    expect(report.split('\n').filter((l) => l.includes('неизвестный регион'))).toHaveLength(50);
    expect(report).toContain('… и ещё 10 ошибок');
    expect(report).toContain('Импорт отклонён, ничего не записано');
  });

  it('decodes cp1251 text that is not valid UTF-8', async () => {
    const buffer = iconv.encode('Никнейм;Регион\nufa;Башкортостан\n', 'win1251');
    const table = await readTabular(buffer, 'w.csv');
    expect(table.rows[0]!.cells).toEqual(['ufa', 'Башкортостан']);
  });
});
