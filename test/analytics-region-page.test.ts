import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { insertFlags } from '../src/analytics/anomaly-flag.repository.ts';
import { reviewAnomalyFlag } from '../src/analytics/anomaly-flag.service.ts';
import { addDays, type Day } from '../src/analytics/calendar.ts';
import { clearFiguresCache, LAGGARDS_LIMIT, regionSummary } from '../src/analytics/region-summary.service.ts';
import { addChannel, lastDays, observe, page, posts } from './helpers/analytics-fixtures.ts';
import { regionSummaryByChannel } from './helpers/region-summary-reference.ts';
import { describeEachDialect } from './helpers/stores.ts';

/**
 * A region page is added up by the database (region-page.repository.ts) except for the channels that need
 * correcting one by one; whatever the mix — confirmed anomaly flags, removed channels, series that ended or
 * began, gaps longer than 14 days, pages without stored completeness, more laggards than are listed,
 * municipalities written with spaces or not at all — it must equal the page computed channel by channel.
 */

const D: Day = '2025-12-31';

describeEachDialect('region page added up by the database', (store) => {
  it('equals the page computed channel by channel', async () => {
    const { db } = store();
    const days = lastDays(D, 60);
    const series = (from: number, n: number, base: number, step: number) =>
      Object.fromEntries(days.slice(from, from + n).map((day, i) => [day, base + step * i + (i % 3)]));
    const municipalities = ['Уфа', ' Уфа ', 'Стерлитамак', null, ''];
    const classes = ['flagship', 'card', null];
    const ids: number[] = [];
    // More falling, inactive and incomplete channels than a list holds, with ties in posts and percent.
    for (let i = 0; i < LAGGARDS_LIMIT + 30; i++) {
      const id = await addChannel(db, {
        region: 'RU-BA',
        category: i % 4 === 0 ? 'regional_government' : i % 4 === 1 ? 'school' : 'culture',
        municipality: municipalities[i % municipalities.length]!,
        page_class: classes[i % 3]!,
      });
      ids.push(id);
      const falling = i % 3 === 0;
      if (i % 11 === 5)
        await observe(db, id, series(0, 20, 900, 5)); // ended 40 days ago: no value
      else if (i % 11 === 6)
        await observe(db, id, series(50, 10, 300, 4)); // new: no start value
      else if (i % 11 === 7)
        await observe(db, id, series(0, 50, 700, 2)); // ended 10 days ago: still held
      else await observe(db, id, series(0, 60, 1000 + (i % 5) * 100, falling ? -(i % 4) - 1 : i % 6));
      if (i % 7 !== 3) await posts(db, id, lastDays(D, i % 7 === 0 ? 14 : (i % 5) * 2));
      if (i % 5 !== 4) await page(db, id, i % 3 !== 1);
    }
    // A page stored without completeness, a removed channel, a channel of another region.
    await sql`update channel_state set page_complete = null where channel_id = ${ids[3]!}`.execute(db);
    await sql`update channel_state set page_complete = null where channel_id = ${ids[4]!}`.execute(db);
    await db.updateTable('channels').set({ status: 'removed' }).where('id', '=', ids[8]!).execute();
    const other = await addChannel(db, { region: 'RU-TA', municipality: 'Уфа' });
    await observe(db, other, series(0, 60, 5000, 3));
    // Confirmed anomaly flags: a spike on the day (values carried) and one within the growth period.
    for (const [id, day] of [
      [ids[1]!, D],
      [ids[2]!, addDays(D, -10)],
    ] as const) {
      await insertFlags(
        db,
        [
          {
            channel_id: id,
            flag: {
              rule: 'spike',
              day,
              value: 1,
              expected: 0,
              score: 9,
              reason_ru: 'тест',
              reason_en: 'test',
            },
          },
        ],
        new Date().toISOString(),
      );
      const flag = await db
        .selectFrom('anomaly_flags')
        .select('id')
        .where('channel_id', '=', id)
        .executeTakeFirstOrThrow();
      await reviewAnomalyFlag(db, flag.id, { status: 'confirmed', comment: 'test', by: null, mode: 'level' });
    }

    for (const date of [D, addDays(D, -3), addDays(D, -20)]) {
      clearFiguresCache();
      const fast = await regionSummary(db, 'RU-BA', { date });
      const slow = await regionSummaryByChannel(db, 'RU-BA', { date });
      expect(fast).toEqual(slow);
      expect(fast.laggards.falling.total).toBeGreaterThan(0);
      expect(fast.laggards.incomplete.items.length).toBeGreaterThan(0);
      expect(fast.municipalities.map((m) => m.key)).toContain('-');
    }
    const full = await regionSummary(db, 'RU-BA', { date: D });
    expect(full.laggards.inactive.total).toBeGreaterThan(LAGGARDS_LIMIT);
    expect(full.laggards.inactive.items).toHaveLength(LAGGARDS_LIMIT);
  });
});
