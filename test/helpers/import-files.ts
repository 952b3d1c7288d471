import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

/** Builders of the files people send: CSV in a chosen encoding and separator, XLSX made by exceljs. */

export function csvText(rows: string[][], delimiter = ';'): string {
  return rows
    .map((cells) =>
      cells
        .map((c) => (c.includes(delimiter) || /["\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c))
        .join(delimiter),
    )
    .join('\r\n');
}

export function csvFile(
  rows: string[][],
  options: { delimiter?: string; encoding?: 'utf-8' | 'utf-8-bom' | 'cp1251' } = {},
): Buffer {
  const text = `${csvText(rows, options.delimiter ?? ';')}\r\n`;
  if (options.encoding === 'cp1251') return iconv.encode(text, 'win1251');
  if (options.encoding === 'utf-8-bom')
    return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
  return Buffer.from(text);
}

export async function xlsxFile(sheets: { name: string; rows: ExcelJS.CellValue[][] }[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheet.name);
    sheet.rows.forEach((row, r) => {
      row.forEach((value, c) => {
        if (value !== null && value !== undefined) ws.getCell(r + 1, c + 1).value = value;
      });
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const RU_HEADER = [
  'Платформа',
  'Никнейм',
  'ID чата',
  'Название',
  'Организация',
  'ИНН',
  'ОГРН',
  'Категория',
  'Уровень',
  'Регион',
  'Муниципалитет',
  'Класс страницы',
  'Статус',
  'Подтверждён',
];

/** A valid channel row in RU_HEADER order; `n` makes nickname, chat id and title unique. */
export function channelRow(
  n: number,
  overrides: Partial<Record<(typeof RU_HEADER)[number], string>> = {},
): string[] {
  const base: Record<string, string> = {
    Платформа: 'MAX',
    Никнейм: `https://max.ru/school_${n}`,
    'ID чата': String(-72_000_000_000_000 - n),
    Название: `Школа № ${n} г. Уфы`,
    Организация: `МБОУ СОШ № ${n}`,
    ИНН: String(2_700_000_000 + n),
    ОГРН: '',
    Категория: 'Школа',
    Уровень: 'Муниципальный',
    Регион: n % 2 === 0 ? 'RU-BA' : 'Республика Башкортостан',
    Муниципалитет: 'городской округ Уфа',
    'Класс страницы': 'Визитка',
    Статус: 'Действует',
    Подтверждён: n % 3 === 0 ? 'да' : 'нет',
    ...overrides,
  };
  return RU_HEADER.map((h) => base[h] ?? '');
}
