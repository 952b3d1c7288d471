import type { Kysely } from 'kysely';
import { insertChannel, searchTextOf } from '../../src/register/channel.repository.ts';
import { insertOrganisation } from '../../src/register/organisation.repository.ts';
import type { DB } from '../../src/store/schema.ts';

/** A small register with the awkward values, for export and round-trip tests. */

const now = '2026-01-01T00:00:00.000Z';
export const FORMULA_TITLE = '=HYPERLINK("http://evil.example","нажми")';

/** A register with the awkward values: quotes, separators, newlines, formula-like text, empty fields. */
export async function seed(db: Kysely<DB>): Promise<void> {
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
export async function wipeRegister(db: Kysely<DB>): Promise<void> {
  await db.deleteFrom('channels').execute();
  await db.deleteFrom('organisations').execute();
}

export async function channelFacts(db: Kysely<DB>) {
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
