import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { insertChannel } from '../src/register/channel.repository.ts';
import { importChannelsFile } from '../src/register/import/channel-import.service.ts';
import { importPopulationFile } from '../src/register/import/population-import.service.ts';
import { insertOrganisation } from '../src/register/organisation.repository.ts';
import { populationHistory } from '../src/register/region.repository.ts';
import { ValidationError } from '../src/shared/errors.ts';
import type { DB } from '../src/store/schema.ts';
import { channelRow, csvFile, RU_HEADER, xlsxFile } from './helpers/import-files.ts';
import { describeEachDialect } from './helpers/stores.ts';

const now = '2026-01-01T00:00:00.000Z';

async function snapshot(db: Kysely<DB>) {
  const channels = await db.selectFrom('channels').selectAll().orderBy('id').execute();
  const organisations = await db.selectFrom('organisations').selectAll().orderBy('id').execute();
  return { channels, organisations };
}

async function existingChannel(
  db: Kysely<DB>,
  values: { nickname?: string | null; chat_id?: string | null; title?: string },
) {
  return insertChannel(db, {
    platform: 'max',
    nickname: values.nickname ?? null,
    chat_id: values.chat_id ?? null,
    url: values.nickname ? `https://max.ru/${values.nickname}` : null,
    title: values.title ?? 'Старый',
    category: 'school',
    status: 'active',
    official_confirmed: 0,
    region_code: 'RU-BA',
    search_text: 'старый',
    created_at: now,
    updated_at: now,
  });
}

describeEachDialect('channel import', (store) => {
  it('imports a Windows-1251 file: channels and their organisations, values normalised', async () => {
    const { db } = store();
    const file = csvFile(
      [RU_HEADER, channelRow(1), channelRow(2, { Платформа: '', Статус: '', Подтверждён: '' })],
      {
        encoding: 'cp1251',
      },
    );
    const result = await importChannelsFile(db, file, 'реестр.csv');
    expect(result).toMatchObject({
      summary: { created: 2, updated: 0, unchanged: 0, rejected: 0 },
      errors: [],
      written: true,
      dryRun: false,
      total: 2,
    });
    const { channels, organisations } = await snapshot(db);
    expect(channels).toHaveLength(2);
    expect(channels[0]).toMatchObject({
      platform: 'max',
      nickname: 'school_1',
      chat_id: '-72000000000001',
      url: 'https://max.ru/school_1',
      title: 'Школа № 1 г. Уфы',
      category: 'school',
      level: 'municipal',
      region_code: 'RU-BA',
      municipality: 'городской округ Уфа',
      page_class: 'card',
      status: 'active',
      official_confirmed: 0,
      organisation_id: organisations[0]!.id,
    });
    expect(channels[0]!.search_text).toBe('школа № 1 г. уфы school_1 городской округ уфа мбоу сош № 1');
    expect(channels[1]).toMatchObject({
      status: 'active',
      official_confirmed: 0,
      organisation_id: organisations[1]!.id,
    });
    expect(organisations.map((o) => [o.name, o.inn, o.category, o.level, o.region_code])).toEqual([
      ['МБОУ СОШ № 1', '2700000001', 'school', 'municipal', 'RU-BA'],
      ['МБОУ СОШ № 2', '2700000002', 'school', 'municipal', 'RU-BA'],
    ]);
  });

  it('re-importing the same file changes nothing; a changed field is one update', async () => {
    const { db } = store();
    const rows = [RU_HEADER, ...Array.from({ length: 5 }, (_, i) => channelRow(i + 1))];
    await importChannelsFile(db, csvFile(rows), 'a.csv');
    const before = await snapshot(db);
    const again = await importChannelsFile(db, csvFile(rows), 'a.csv');
    expect(again.summary).toEqual({ created: 0, updated: 0, unchanged: 5, rejected: 0 });
    expect(await snapshot(db)).toEqual(before);

    rows[3] = channelRow(3, { Название: 'Школа № 3 (новое название)', Статус: 'Удалён' });
    const changed = await importChannelsFile(db, csvFile(rows), 'a.csv');
    expect(changed.summary).toEqual({ created: 0, updated: 1, unchanged: 4, rejected: 0 });
    const after = await snapshot(db);
    const third = after.channels.find((c) => c.nickname === 'school_3')!;
    expect(third).toMatchObject({
      title: 'Школа № 3 (новое название)',
      status: 'removed',
      created_at: before.channels[2]!.created_at,
    });
    expect(third.updated_at > before.channels[2]!.updated_at).toBe(true);
    expect(third.search_text).toContain('новое название');
    expect(after.organisations).toEqual(before.organisations);
  });

  it('a dry run reports what would happen and writes nothing', async () => {
    const { db } = store();
    await existingChannel(db, { nickname: 'school_1' });
    const rows = [RU_HEADER, channelRow(1), channelRow(2), channelRow(3)];
    const before = await snapshot(db);
    const dry = await importChannelsFile(db, csvFile(rows), 'd.csv', { dryRun: true });
    expect(dry).toMatchObject({
      summary: { created: 2, updated: 1, unchanged: 0, rejected: 0 },
      written: false,
      dryRun: true,
    });
    expect(await snapshot(db)).toEqual(before);
    const real = await importChannelsFile(db, csvFile(rows), 'd.csv');
    expect(real.summary).toEqual(dry.summary);
  });

  it('one bad row among many: nothing is written and the row is named', async () => {
    const { db } = store();
    const rows = [RU_HEADER, ...Array.from({ length: 400 }, (_, i) => channelRow(i + 1))];
    rows[377] = channelRow(377, { Регион: 'Башкирия' });
    const progress: [number, number][] = [];
    const result = await importChannelsFile(db, csvFile(rows), 'many.csv', {
      onProgress: (d, t) => progress.push([d, t]),
    });
    expect(result.written).toBe(false);
    expect(result.summary).toEqual({ created: 399, updated: 0, unchanged: 0, rejected: 1 });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      file: 'many.csv',
      row: 378,
      column: 'Регион',
      code: 'unknown_region',
    });
    expect(await snapshot(db)).toEqual({ channels: [], organisations: [] });
    expect(progress.at(-1)).toEqual([400, 400]);
  });

  it('matches existing channels by nickname or by chat id, and refuses rows that mix two channels', async () => {
    const { db } = store();
    const byChat = await existingChannel(db, { chat_id: '-500' });
    const a = await existingChannel(db, { nickname: 'alpha', chat_id: '-1' });
    const b = await existingChannel(db, { nickname: 'beta', chat_id: '-2' });
    const header = ['Никнейм', 'ID чата', 'Название'];
    const ok = await importChannelsFile(db, csvFile([header, ['max.ru/gamma', '-500', 'Гамма']]), 'm.csv');
    expect(ok.summary).toEqual({ created: 0, updated: 1, unchanged: 0, rejected: 0 });
    const updated = await db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', byChat.id)
      .executeTakeFirstOrThrow();
    expect(updated).toMatchObject({
      nickname: 'gamma',
      url: 'https://max.ru/gamma',
      title: 'Гамма',
      category: 'school',
    });

    const mixed = await importChannelsFile(db, csvFile([header, ['alpha', '-2', 'x']]), 'm.csv');
    expect(mixed.errors).toEqual([
      expect.objectContaining({ row: 2, column: 'ID чата', code: 'identity_conflict' }),
    ]);
    expect(mixed.errors[0]!.message_ru).toContain(`каналу №${a.id}`);
    expect(mixed.errors[0]!.message_ru).toContain(`каналу №${b.id}`);

    const same = await importChannelsFile(
      db,
      csvFile([header, ['alpha', '', 'x'], ['', '-1', 'y']]),
      'm.csv',
    );
    expect(same.errors).toEqual([expect.objectContaining({ row: 3, code: 'duplicate_channel' })]);
    expect(same.errors[0]!.message_ru).toBe(
      `строки 2 и 3 относятся к одному каналу №${a.id} (совпали никнейм и ID чата)`,
    );
  });

  it('updates only the columns in the file; a new channel needs a category', async () => {
    const { db } = store();
    const existing = await existingChannel(db, { nickname: 'kept', title: 'Сохранить' });
    const result = await importChannelsFile(
      db,
      csvFile([
        ['Никнейм', 'Статус'],
        ['kept', 'Кандидат'],
        ['brand_new', 'Действует'],
      ]),
      'p.csv',
    );
    expect(result.errors).toEqual([
      expect.objectContaining({
        row: 3,
        column: null,
        code: 'missing_category',
        message_ru: 'для нового канала нужна категория',
      }),
    ]);
    const fixed = await importChannelsFile(
      db,
      csvFile([
        ['Никнейм', 'Статус'],
        ['kept', 'Кандидат'],
      ]),
      'p.csv',
    );
    expect(fixed.summary).toEqual({ created: 0, updated: 1, unchanged: 0, rejected: 0 });
    const row = await db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', existing.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'candidate',
      title: 'Сохранить',
      category: 'school',
      region_code: 'RU-BA',
    });
  });

  it('reuses organisations by INN, else by name within the region; INN alone must be known', async () => {
    const { db } = store();
    const base = {
      category: 'school',
      level: 'municipal',
      municipality: null,
      ogrn: null,
      created_at: now,
      updated_at: now,
    };
    const byInn = await insertOrganisation(db, {
      ...base,
      name: 'Другое имя',
      inn: '0274000001',
      region_code: 'RU-BA',
      search_text: '',
    });
    const byName = await insertOrganisation(db, {
      ...base,
      name: 'Гимназия № 3',
      inn: null,
      region_code: 'RU-BA',
      search_text: '',
    });
    const header = ['Никнейм', 'Категория', 'Регион', 'Организация', 'ИНН'];
    const result = await importChannelsFile(
      db,
      csvFile([
        header,
        ['aa', 'Школа', 'RU-BA', 'Школа по ИНН', '0274000001'],
        ['bb', 'Школа', 'RU-BA', 'Гимназия № 3', ''],
        ['cc', 'Школа', 'RU-TA', 'Гимназия № 3', ''],
        ['dd', 'Школа', 'RU-TA', 'Гимназия № 3', ''],
      ]),
      'o.csv',
    );
    expect(result.summary).toEqual({ created: 4, updated: 0, unchanged: 0, rejected: 0 });
    const { channels, organisations } = await snapshot(db);
    expect(channels.map((c) => c.organisation_id)).toEqual([
      byInn.id,
      byName.id,
      organisations[2]!.id,
      organisations[2]!.id,
    ]);
    expect(organisations).toHaveLength(3);
    expect(organisations[2]).toMatchObject({ name: 'Гимназия № 3', region_code: 'RU-TA', level: 'regional' });
    expect(channels[0]!.search_text).toContain('другое имя');

    const unknown = await importChannelsFile(
      db,
      csvFile([header, ['ee', 'Школа', 'RU-BA', '', '1234567890']]),
      'o.csv',
    );
    expect(unknown.errors).toEqual([
      expect.objectContaining({ row: 2, column: 'ИНН', value: '1234567890', code: 'unknown_organisation' }),
    ]);
  });

  it('imports a 10,000-row Windows-1251 file separated by semicolons', async () => {
    const { db } = store();
    const rows = [RU_HEADER, ...Array.from({ length: 10_000 }, (_, i) => channelRow(i + 1))];
    const file = csvFile(rows, { encoding: 'cp1251' });
    const calls: number[] = [];
    const result = await importChannelsFile(db, file, 'big.csv', { onProgress: (done) => calls.push(done) });
    expect(result.summary).toEqual({ created: 10_000, updated: 0, unchanged: 0, rejected: 0 });
    expect(calls.at(-1)).toBe(10_000);
    expect(calls.length).toBeGreaterThan(5);
    const count = await db
      .selectFrom('channels')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(10_000);
    const orgs = await db
      .selectFrom('organisations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(orgs.n)).toBe(10_000);
    const last = await db
      .selectFrom('channels')
      .selectAll()
      .where('nickname', '=', 'school_10000')
      .executeTakeFirstOrThrow();
    expect(last).toMatchObject({ chat_id: '-72000000010000', region_code: 'RU-BA', official_confirmed: 0 });
    const again = await importChannelsFile(db, file, 'big.csv', { dryRun: true });
    expect(again.summary).toEqual({ created: 0, updated: 0, unchanged: 10_000, rejected: 0 });
  });
});

describeEachDialect('population import', (store) => {
  it('adds new dates, corrects existing ones and keeps history', async () => {
    const { db } = store();
    const file = await xlsxFile([
      {
        name: 'Население',
        rows: [
          ['Код', 'Дата', 'Численность', 'Источник'],
          ['RU-BA', new Date(Date.UTC(2026, 0, 1)), 4_030_000, 'Росстат, оценка на 01.01.2026'],
          ['Москва', '01.01.2025', '13 274 285', 'Росстат, оценка на 1 января 2025 г. (14.03.2025)'],
          ['Татарстан', '2025-01-01', 4_000_000, 'Уточнение'],
        ],
      },
    ]);
    const dry = await importPopulationFile(db, file, 'pop.xlsx', { dryRun: true });
    expect(dry).toMatchObject({
      summary: { created: 1, updated: 1, unchanged: 1, rejected: 0 },
      written: false,
    });
    expect((await populationHistory(db, 'RU-BA')).map((p) => p.as_of)).toEqual(['2025-01-01']);

    const result = await importPopulationFile(db, file, 'pop.xlsx');
    expect(result).toMatchObject({
      summary: { created: 1, updated: 1, unchanged: 1, rejected: 0 },
      written: true,
    });
    expect((await populationHistory(db, 'RU-BA')).map((p) => [p.as_of, p.population])).toEqual([
      ['2025-01-01', 4_042_431],
      ['2026-01-01', 4_030_000],
    ]);
    expect((await populationHistory(db, 'RU-TA')).map((p) => [p.as_of, p.population, p.source])).toEqual([
      ['2025-01-01', 4_000_000, 'Уточнение'],
    ]);
    const again = await importPopulationFile(db, file, 'pop.xlsx');
    expect(again.summary).toEqual({ created: 0, updated: 0, unchanged: 3, rejected: 0 });
  });

  it('rejects bad rows with the same report and writes nothing', async () => {
    const { db } = store();
    const file = csvFile([
      ['region', 'date', 'population', 'source'],
      ['RU-BA', '2026-01-01', '4030000', 'Росстат'],
      ['Атлантида', '2026-01-01', '1', 'x'],
      ['RU-TA', '31.02.2026', '1', 'x'],
      ['RU-TA', '2026-01-01', '-5', 'x'],
      ['RU-AD', '2026-01-01', '500000', ''],
      ['Башкортостан', '01.01.2026', '4030001', 'Росстат'],
    ]);
    const result = await importPopulationFile(db, file, 'pop.csv');
    expect(result.written).toBe(false);
    expect(result.summary).toEqual({ created: 1, updated: 0, unchanged: 0, rejected: 5 });
    expect(result.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [3, 'region', 'unknown_region'],
      [4, 'date', 'bad_date'],
      [5, 'population', 'bad_population'],
      [6, 'source', 'missing_source'],
      [7, 'date', 'duplicate_population'],
    ]);
    expect(result.errors[4]!.message_ru).toBe('регион RU-BA на дату 2026-01-01 уже есть в строке 2');
    expect((await populationHistory(db, 'RU-BA')).map((p) => p.as_of)).toEqual(['2025-01-01']);
    const missing = await importPopulationFile(
      db,
      csvFile([
        ['Регион', 'Дата'],
        ['RU-BA', '2026-01-01'],
      ]),
      'p.csv',
    ).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ValidationError);
    expect((missing as ValidationError).message).toContain('p.csv: нет столбцов: «Численность», «Источник»');
  });
});
