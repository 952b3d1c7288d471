import ExcelJS from 'exceljs';
import type { Region } from '../../store/schema.ts';
import {
  CATEGORIES,
  CHANNEL_STATUSES,
  type Labelled,
  LEVELS,
  PAGE_CLASSES,
  PLATFORMS,
} from '../categories.ts';
import { CHANNEL_COLUMNS, type ChannelField } from './channel.columns.ts';
import type { Lang } from './import.issues.ts';

/**
 * The empty register file people fill in: the header row, a grey italic hint row (the importer recognises and
 * skips it when left in), drop-down lists for the closed lists, and a second sheet «Справочники» with every
 * allowed value and the 89 regions.
 */

export const REFERENCE_SHEET = 'Справочники';
/** Rows of the data sheet that get drop-down lists. */
const VALIDATED_ROWS = 10_000;

interface ReferenceBlock {
  field: ChannelField | null;
  title: [string, string];
  headers: [string, string][];
  rows: string[][];
}

function listBlock(field: ChannelField, title: [string, string], items: readonly Labelled[]): ReferenceBlock {
  return {
    field,
    title,
    headers: [
      ['Значение', 'Value (Russian)'],
      ['English', 'English'],
      ['Код', 'Code'],
    ],
    rows: items.map((i) => [i.ru, i.en, i.code]),
  };
}

/**
 * Range-wide drop-downs. exceljs types only per-cell `cell.dataValidation`, whose writer merges cells into
 * overlapping ranges (it sorts addresses as text); the worksheet's own model takes one range per list.
 */
function validations(sheet: ExcelJS.Worksheet): {
  add(range: string, validation: ExcelJS.DataValidation): void;
} {
  return (sheet as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } })
    .dataValidations;
}

function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

export async function channelTemplate(
  regions: Pick<Region, 'code' | 'name_ru' | 'name_en'>[],
  lang: Lang = 'ru',
) {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Ohvat';
  const data = workbook.addWorksheet(lang === 'ru' ? 'Каналы' : 'Channels', {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
  });
  data.columns = CHANNEL_COLUMNS.map((c) => ({ key: c.field, width: c.width }));
  const header = data.addRow(CHANNEL_COLUMNS.map((c) => c[lang]));
  header.font = { bold: true };
  const hint = data.addRow(CHANNEL_COLUMNS.map((c) => (lang === 'ru' ? c.hint_ru : c.hint_en)));
  hint.font = { italic: true, color: { argb: 'FF808080' } };
  hint.alignment = { wrapText: true, vertical: 'top' };
  data.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: CHANNEL_COLUMNS.length } };

  const blocks: ReferenceBlock[] = [
    listBlock('category', ['Категории', 'Categories'], CATEGORIES),
    listBlock('level', ['Уровни', 'Levels'], LEVELS),
    listBlock('page_class', ['Классы страниц', 'Page classes'], PAGE_CLASSES),
    listBlock('status', ['Статусы', 'Statuses'], CHANNEL_STATUSES),
    listBlock('platform', ['Платформы', 'Platforms'], PLATFORMS),
    {
      field: 'region',
      title: ['Регионы', 'Regions'],
      headers: [
        ['Код', 'Code'],
        ['Название', 'Name (Russian)'],
        ['English', 'English'],
      ],
      rows: regions.map((r) => [r.code, r.name_ru, r.name_en]),
    },
  ];
  const ref = workbook.addWorksheet(REFERENCE_SHEET);
  const i = lang === 'ru' ? 0 : 1;
  let col = 1;
  for (const block of blocks) {
    ref.getCell(1, col).value = block.title[i];
    ref.getCell(1, col).font = { bold: true, size: 12 };
    block.headers.forEach((h, k) => {
      const cell = ref.getCell(2, col + k);
      cell.value = h[i];
      cell.font = { bold: true };
      ref.getColumn(col + k).width = k === 2 && block.field !== 'region' ? 20 : 34;
    });
    block.rows.forEach((values, r) => {
      values.forEach((v, k) => {
        ref.getCell(3 + r, col + k).value = v;
      });
    });
    if (block.field === 'region') ref.getColumn(col).width = 10;
    // Drop-down on the data sheet: the labels of the template's language (regions: the Russian or English name).
    const dataColumn = CHANNEL_COLUMNS.findIndex((c) => c.field === block.field) + 1;
    if (dataColumn > 0) {
      const sourceCol = columnLetter(col + (block.field === 'region' ? 1 + i : i));
      const formula = `'${REFERENCE_SHEET}'!$${sourceCol}$3:$${sourceCol}$${2 + block.rows.length}`;
      const letter = columnLetter(dataColumn);
      validations(data).add(`${letter}2:${letter}${VALIDATED_ROWS}`, {
        type: 'list',
        allowBlank: true,
        formulae: [formula],
        showErrorMessage: true,
        errorStyle: 'warning',
        error:
          lang === 'ru'
            ? 'Значения нет в списке; импорт примет код или другое известное написание.'
            : 'Not in the list; the import accepts codes and other known spellings.',
      });
    }
    col += block.headers.length + 1;
  }
  const yesNo = columnLetter(CHANNEL_COLUMNS.findIndex((c) => c.field === 'official_confirmed') + 1);
  validations(data).add(`${yesNo}2:${yesNo}${VALIDATED_ROWS}`, {
    type: 'list',
    allowBlank: true,
    formulae: [lang === 'ru' ? '"да,нет"' : '"yes,no"'],
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
