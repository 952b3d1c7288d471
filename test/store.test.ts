import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { insertChannel, listChannels, searchTextOf } from '../src/register/channel.repository.ts';
import {
  populationHistory,
  regionsWithPopulationAt,
  upsertPopulation,
} from '../src/register/region.repository.ts';
import { openStore } from '../src/store/database.ts';
import { chunkForInsert, compactCounters } from '../src/store/dialect.ts';
import { migrationStatus } from '../src/store/migrator.ts';
import { executePrepared } from '../src/store/prepared.ts';
import { describeEachDialect, PG_URL } from './helpers/stores.ts';

function referencePopulationTotal(): number {
  const lines = readFileSync(new URL('../reference/regions.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return lines.reduce((sum, line) => sum + Number(line.split(',')[6] || 0), 0);
}

describe('reference data', () => {
  it('ships 89 regions whose populations sum to the documented 148,241,321', () => {
    expect(referencePopulationTotal()).toBe(148_241_321);
  });
});

describeEachDialect('store', (store) => {
  it('applies every migration and loads 89 regions with their population', async () => {
    const { db } = store();
    const status = await migrationStatus(db);
    expect(status.every((m) => m.executedAt !== null)).toBe(true);
    const regions = await regionsWithPopulationAt(db, '2026-01-01');
    expect(regions).toHaveLength(89);
    const total = regions.reduce((s, r) => s + (r.population ?? 0), 0);
    expect(total).toBe(referencePopulationTotal());
    const lpr = regions.find((r) => r.code === 'RU-LPR');
    expect(lpr?.population).toBeNull();
    const moscow = regions.find((r) => r.code === 'RU-MOW');
    expect(moscow).toMatchObject({
      name_ru: 'Москва',
      population: 13_274_285,
      population_as_of: '2025-01-01',
    });
  });

  it('runs PostgreSQL sessions without JIT compilation (on every pooled connection)', async () => {
    const current = store();
    if (current.dialect !== 'postgres') return;
    const settings = await Promise.all(
      [1, 2, 3].map(() => sql<{ jit: string }>`show jit`.execute(current.db)),
    );
    expect(settings.map((r) => r.rows[0]?.jit)).toEqual(['off', 'off', 'off']);
  });

  it('runs statements marked as prepared under their name on PostgreSQL, and others as plain text', async () => {
    const current = store();
    const marked = current.db.selectFrom('regions').select('name_ru').where('code', '=', 'RU-MOW');
    const text = marked.compile().sql;
    await current.db.connection().execute(async (conn) => {
      const first = await executePrepared(conn, marked);
      const again = await executePrepared(conn, marked);
      const plain = await conn.selectFrom('regions').select('name_ru').where('code', '=', 'RU-SPE').execute();
      expect(first).toEqual([{ name_ru: 'Москва' }]);
      expect(again).toEqual(first);
      expect(plain).toEqual([{ name_ru: 'Санкт-Петербург' }]);
      if (current.dialect !== 'postgres') return;
      const { rows } = await sql<{ name: string; statement: string }>`
        select name, statement from pg_prepared_statements`.execute(conn);
      expect(rows).toEqual([{ name: expect.stringMatching(/^ohvat_[0-9a-f]{32}$/), statement: text }]);
    });
  });

  it('answers a prepared statement whose table changed shape since (a migration by another process)', async () => {
    const current = store();
    const marked = current.db.selectFrom('regions').selectAll().where('code', '=', 'RU-MOW');
    await current.db.connection().execute(async (conn) => {
      expect((await executePrepared(conn, marked))[0]).not.toHaveProperty('motto');
      await sql`alter table regions add column motto text`.execute(conn);
      const [row] = await executePrepared(conn, marked);
      expect(row).toMatchObject({ code: 'RU-MOW', name_ru: 'Москва' });
      expect(row).toHaveProperty('motto', null);
    });
    // The pool keeps working (the connection that held the stale statement was replaced).
    const rows = await Promise.all([1, 2, 3, 4, 5].map(() => executePrepared(current.db, marked)));
    expect(rows.map((r) => r[0]?.code)).toEqual(['RU-MOW', 'RU-MOW', 'RU-MOW', 'RU-MOW', 'RU-MOW']);
  });

  it('sends marked statements as plain text when prepared statements are off (PostgreSQL)', async () => {
    if (store().dialect !== 'postgres') return;
    const plainStore = openStore(PG_URL!, { poolSize: 1, preparedStatements: false });
    try {
      const rows = await executePrepared(
        plainStore.db,
        plainStore.db.selectNoFrom(sql<number>`41 + 1`.as('n')),
      );
      expect(rows).toEqual([{ n: 42 }]);
      const { rows: prepared } = await sql<{ n: number }>`
        select count(*) as n from pg_prepared_statements`.execute(plainStore.db);
      expect(prepared).toEqual([{ n: 0 }]);
    } finally {
      await plainStore.close();
    }
  });

  it('compacts the trigger-kept counter tables after a bulk change, keeping their counts', async () => {
    const current = store();
    const { db } = current;
    const now = new Date().toISOString();
    const regions = ['RU-MOW', 'RU-SPE', 'RU-BA', 'RU-TA'];
    const rows = Array.from({ length: 2000 }, (_, i) => ({
      platform: 'max',
      nickname: `bulk${i}`,
      title: `Канал ${i}`,
      category: i % 2 === 0 ? 'school' : 'culture',
      status: 'active',
      official_confirmed: 0 as const,
      created_at: now,
      updated_at: now,
      region_code: regions[i % regions.length]!,
      search_text: `канал ${i}`,
    }));
    // One transaction, as an import writes: every row's trigger rewrites its region's counter row.
    await db.transaction().execute(async (trx) => {
      for (const chunk of chunkForInsert(trx, rows)) await trx.insertInto('channels').values(chunk).execute();
    });
    const counters = () =>
      db
        .selectFrom('region_channels')
        .select(['region_code', 'category', 'channels'])
        .orderBy('region_code')
        .orderBy('category')
        .execute();
    const pages = async () =>
      Number(
        (await sql<{ n: number }>`select pg_relation_size('region_channels') / 8192 as n`.execute(db))
          .rows[0]!.n,
      );
    const before = await counters();
    expect(before.reduce((n, r) => n + Number(r.channels), 0)).toBe(2000);
    const bloated = current.dialect === 'postgres' ? await pages() : 0;
    expect(await compactCounters(db)).toBe(true);
    expect(await counters()).toEqual(before);
    if (current.dialect !== 'postgres') return;
    // 2,000 dead versions of 8 rows before; one page after.
    expect(bloated).toBeGreaterThan(5);
    expect(await pages()).toBe(1);
  });

  it('uses the population figure valid at the date and keeps history', async () => {
    const { db } = store();
    await upsertPopulation(db, [
      { region_code: 'RU-MOW', as_of: '2026-01-01', population: 13_300_000, source: 'test' },
    ]);
    const before = await regionsWithPopulationAt(db, '2025-12-31');
    const after = await regionsWithPopulationAt(db, '2026-06-01');
    expect(before.find((r) => r.code === 'RU-MOW')?.population).toBe(13_274_285);
    expect(after.find((r) => r.code === 'RU-MOW')?.population).toBe(13_300_000);
    expect((await populationHistory(db, 'ru-mow')).map((p) => p.as_of)).toEqual(['2025-01-01', '2026-01-01']);
    // DPR has its only figure at 2024-04-01: valid for any later date, absent before it.
    const early = await regionsWithPopulationAt(db, '2024-01-01');
    expect(early.find((r) => r.code === 'RU-DPR')?.population).toBeNull();
    expect(early.find((r) => r.code === 'RU-MOW')?.population).toBeNull();
  });

  it('enforces unique platform+nickname and searches Cyrillic text case-insensitively', async () => {
    const { db } = store();
    const now = new Date().toISOString();
    const base = {
      platform: 'max',
      category: 'regional_government',
      status: 'active',
      official_confirmed: 0 as const,
      created_at: now,
      updated_at: now,
      region_code: 'RU-BA',
    };
    await insertChannel(db, {
      ...base,
      nickname: 'glavbash',
      title: 'Глава Башкортостана',
      search_text: searchTextOf('Глава Башкортостана', 'glavbash'),
    });
    await insertChannel(db, {
      ...base,
      nickname: 'ufa',
      title: 'Администрация Уфы',
      search_text: searchTextOf('Администрация Уфы', 'ufa'),
    });
    await expect(
      insertChannel(db, { ...base, nickname: 'ufa', title: 'dup', search_text: 'dup' }),
    ).rejects.toThrow();
    const found = await listChannels(db, { text: 'БАШКОРТОСТАН', limit: 10, offset: 0 });
    expect(found.items.map((c) => c.nickname)).toEqual(['glavbash']);
    expect(found.total).toBe(1);
    const all = await listChannels(db, {
      region: ['ru-ba'],
      sort: 'nickname',
      order: 'desc',
      limit: 1,
      offset: 0,
    });
    expect(all.total).toBe(2);
    expect(all.items.map((c) => c.nickname)).toEqual(['ufa']);
  });
});
