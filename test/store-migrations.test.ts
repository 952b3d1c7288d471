import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { recordObservations } from '../src/collect/observation.repository.ts';
import { insertChannel, searchTextOf } from '../src/register/channel.repository.ts';
import { migrateToLatest, migratorFor } from '../src/store/migrator.ts';
import { describeEachDialect } from './helpers/stores.ts';

const day = (d: string) => Date.parse(`${d}T12:00:00+03:00`);

describeEachDialect('migration 2026-11-29T0600_daily_clustering', (store) => {
  it('rebuilds the daily tables with their rows, both ways, and the read model keeps working', async () => {
    const { db } = store();
    const stamp = new Date().toISOString();
    const ids: number[] = [];
    for (const [i, category] of ['school', 'culture', 'school'].entries()) {
      const c = await insertChannel(db, {
        platform: 'max',
        nickname: `mig_${i}`,
        category,
        region_code: i === 2 ? 'RU-MOW' : 'RU-BA',
        status: 'active',
        official_confirmed: 0,
        search_text: searchTextOf(`mig_${i}`),
        created_at: stamp,
        updated_at: stamp,
      });
      ids.push(c.id);
    }
    for (const [n, d] of ['2026-03-01', '2026-03-04'].entries()) {
      await recordObservations(
        db,
        ids.map((id, i) => ({
          channel_id: id,
          source: 'bot_api',
          observed_at: day(d),
          subscribers: 100 * i + n,
        })),
      );
    }
    const snapshot = async () => ({
      channel: (
        await sql`select channel_id, day, subscribers, carried, observed_at from channel_daily order by channel_id, day`.execute(
          db,
        )
      ).rows,
      region: (
        await sql`select region_code, category, day, channels, subscribers, fresh, fresh_subscribers, ending,
          ending_subscribers, max_observed_at from region_daily order by region_code, category, day`.execute(
          db,
        )
      ).rows,
    });
    const before = await snapshot();
    expect(before.channel).toHaveLength(12);
    expect(before.region.length).toBeGreaterThan(0);

    const layout = async () => {
      if (store().dialect === 'postgres') {
        const { rows } = await sql<{ def: string }>`
          select pg_get_constraintdef(c.oid) as def from pg_constraint c
          where c.conname = 'region_daily_pk' and c.conrelid = 'region_daily'::regclass`.execute(db);
        return rows.map((r) => r.def).join(';');
      }
      const { rows } = await sql<{ sql: string }>`
        select sql from sqlite_master where name in ('channel_daily', 'region_daily') order by name`.execute(
        db,
      );
      return rows.map((r) => r.sql.replace(/\s+/g, ' ')).join(';');
    };
    const latest = await layout();
    if (store().dialect === 'sqlite') {
      expect(latest.match(/without rowid/g)).toHaveLength(2);
      expect(latest).toContain('primary key (day, category, region_code)');
    } else {
      expect(latest).toBe('PRIMARY KEY (day, category, region_code)');
    }

    const down = await (await migratorFor(db)).migrateTo('2026-11-29T0200_rating_aggregates');
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => r.migrationName)).toContain('2026-11-29T0600_daily_clustering');
    expect(await snapshot()).toEqual(before);
    expect(await layout()).not.toContain('without rowid');
    expect(await layout()).not.toContain('(day, category, region_code)');

    await migrateToLatest(db);
    expect(await snapshot()).toEqual(before);
    expect(await layout()).toBe(latest);
    // The triggers on channels still find the rebuilt tables: deleting a channel takes its rows away.
    await db.deleteFrom('channels').where('id', '=', ids[2]!).execute();
    const after = await snapshot();
    expect(after.channel).toHaveLength(8);
    expect(
      after.region.every(
        (r) =>
          (r as { region_code: string }).region_code !== 'RU-MOW' ||
          Number((r as { channels: number }).channels) === 0,
      ),
    ).toBe(true);
  });
});

describeEachDialect('migration 2026-11-29T1500_population_sources', (store) => {
  it('gives each reference figure its own source, leaves edited ones alone, and goes back', async () => {
    const { db } = store();
    const combined = 'Росстат, оценка на 1 января 2025 г. (14.03.2025); ДНР — данные региона на 01.04.2024';
    const down = await (await migratorFor(db)).migrateTo('2026-11-29T0600_daily_clustering');
    expect(down.error).toBeUndefined();
    // As an installation before the change: every reference figure with the combined text; one corrected by hand.
    await db.updateTable('region_population').set({ source: combined }).execute();
    await db
      .updateTable('region_population')
      .set({ source: 'Уточнено вручную' })
      .where('region_code', '=', 'RU-TA')
      .execute();
    const sources = async () =>
      new Map(
        (await db.selectFrom('region_population').select(['region_code', 'source']).execute()).map((r) => [
          r.region_code,
          r.source,
        ]),
      );

    await migrateToLatest(db);
    const after = await sources();
    expect(after.get('RU-MOW')).toBe('Росстат, оценка на 1 января 2025 г. (14.03.2025)');
    expect(after.get('RU-DPR')).toBe('Данные региональных властей на 01.04.2024 (не оценка Росстата)');
    expect(after.get('RU-TA')).toBe('Уточнено вручную');
    expect([...after.values()].filter((s) => s === combined)).toEqual([]);

    // Back past it (and the later migrations: 2026-11-29T1600_run_page_requests drops its column).
    const back = await (await migratorFor(db)).migrateTo('2026-11-29T0600_daily_clustering');
    expect(back.error).toBeUndefined();
    expect(back.results?.map((r) => r.migrationName)).toContain('2026-11-29T1500_population_sources');
    const runColumns = (await db.introspection.getTables()).find(
      (t) => t.name === 'collection_runs',
    )!.columns;
    expect(runColumns.map((c) => c.name)).not.toContain('page_requests');
    const before = await sources();
    expect(before.get('RU-MOW')).toBe(combined);
    expect(before.get('RU-DPR')).toBe(combined);
    expect(before.get('RU-TA')).toBe('Уточнено вручную');
  });
});
