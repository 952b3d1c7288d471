import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { scopeFlagContext } from '../src/analytics/anomaly-flag.service.ts';
import { addDays, type Day } from '../src/analytics/calendar.ts';
import { observationValues, readModelValues } from '../src/analytics/daily-values.repository.ts';
import { regionFacts } from '../src/analytics/input-context.ts';
import { presetMethodology } from '../src/analytics/methodologies/index.ts';
import { computeRating } from '../src/analytics/rating.service.ts';
import { buildRatingInputs } from '../src/analytics/rating-inputs.service.ts';
import { ratingScope } from '../src/analytics/rating-scope.ts';
import { rebuildRegionActivity } from '../src/analytics/region-activity.repository.ts';
import { regionCounterSums } from '../src/analytics/region-aggregates.repository.ts';
import { regionChannelFacts } from '../src/analytics/region-figures.service.ts';
import { regionTotalsAt, totalsFromFacts } from '../src/analytics/region-totals.repository.ts';
import { ensureChannelStates, saveChannelStates } from '../src/collect/channel-state.repository.ts';
import { writePosts } from '../src/collect/observation.repository.ts';
import { addChannel, lastDays, mskAt, observe, page, posts } from './helpers/analytics-fixtures.ts';
import { describeEachDialect } from './helpers/stores.ts';

/**
 * Ratings and region figures read incrementally kept aggregates (region_channels, region_daily) and fall back
 * to channel-by-channel reads where those cannot be exact. Whatever the mix — series that ended, new channels,
 * gaps longer than 14 days, removed and moved channels, pages without stored completeness — the figures must
 * equal the channel-by-channel computation.
 */

const D: Day = '2025-12-31';
const REGIONS = ['RU-BA', 'RU-MOW', 'RU-KO', 'RU-TA', 'RU-SPE'];

describeEachDialect('aggregates equal the channel-by-channel figures', (store) => {
  it('for totals, dialog-2025 and network on several dates', async () => {
    const { db } = store();
    const series = (n: number, from: number, base: number) =>
      Object.fromEntries(
        lastDays(D, 60)
          .slice(from, from + n)
          .map((day, i) => [day, base + 7 * i + (i % 3)]),
      );
    // RU-BA: every channel observed every day (the aggregate road).
    for (let i = 0; i < 3; i++) {
      const id = await addChannel(db, {
        region: 'RU-BA',
        category: i === 0 ? 'regional_government' : 'school',
      });
      await observe(db, id, series(60, 0, 1000 * (i + 1)));
      await page(db, id, i !== 1);
      if (i === 2) await posts(db, id, [...lastDays(D, 20), ...lastDays(D, 20)]);
    }
    // RU-MOW: a series that ended 5 days before D, a channel that appeared 10 days before D, a government one.
    const ended = await addChannel(db, { region: 'RU-MOW', category: 'school' });
    await observe(db, ended, series(55, 0, 500));
    const fresh = await addChannel(db, { region: 'RU-MOW', category: 'culture' });
    await observe(db, fresh, series(10, 50, 300));
    const gov = await addChannel(db, { region: 'RU-MOW' });
    await observe(db, gov, series(60, 0, 50_000));
    await posts(db, gov, lastDays(D, 20));
    // RU-KO: a removed channel next to an ordinary one; RU-TA: a gap longer than 14 days covering D - 5.
    const removed = await addChannel(db, { region: 'RU-KO', category: 'school' });
    await observe(db, removed, series(60, 0, 900));
    await db.updateTable('channels').set({ status: 'removed' }).where('id', '=', removed).execute();
    const ko = await addChannel(db, { region: 'RU-KO' });
    await observe(db, ko, series(60, 0, 7000));
    const gap = await addChannel(db, { region: 'RU-TA', category: 'school' });
    await observe(db, gap, { ...series(20, 0, 100), ...series(3, 57, 400) });
    const ta = await addChannel(db, { region: 'RU-TA' });
    await observe(db, ta, series(60, 0, 4000));
    await posts(db, ta, lastDays(D, 3));
    // A channel moved from RU-TA to RU-SPE after its observations; a page stored without completeness.
    const moved = await addChannel(db, { region: 'RU-TA', category: 'school' });
    await observe(db, moved, series(60, 0, 2000));
    await db.updateTable('channels').set({ region_code: 'RU-SPE' }).where('id', '=', moved).execute();
    await page(db, moved, true);
    await sql`update channel_state set page_complete = null where channel_id = ${moved}`.execute(db);
    // Posts stored before the channel's posting was known: the region's activity is counted from the posts.
    const late = await addChannel(db, { region: 'RU-SPE', category: 'school' });
    await observe(db, late, series(60, 0, 800));
    await ensureChannelStates(db);
    await db.transaction().execute((trx) =>
      writePosts(
        trx,
        lastDays(D, 14).map((day) => ({
          channel_id: late,
          post_id: day,
          published_at: mskAt(day, 12),
          is_repost: false,
          url: null,
          text_length: 100,
          observed_at: mskAt(day, 13),
          views: null,
        })),
      ),
    );
    await saveChannelStates(db, [{ channel_id: late, posts_checked_at: Date.now() }]);

    for (const date of [D, addDays(D, -3), addDays(D, -8), addDays(D, -40)]) {
      const periodStart = addDays(date, -30);
      const flags = await scopeFlagContext(db, date);
      const { totals } = await regionTotalsAt(db, readModelValues(db), flags, {
        date,
        periodStart,
        activeThreshold: 3,
      });
      for (const region of REGIONS) {
        const facts = await regionChannelFacts(db, region, date, periodStart);
        const reference = totalsFromFacts(
          facts.map((f) => ({ ...regionFacts(f, null, date), region })),
          3,
        ).get(region);
        expect({ date, region, totals: totals.get(region) }).toEqual({ date, region, totals: reference });
      }
      // The same inputs from the raw observations (every region channel by channel).
      for (const id of ['dialog-2025', 'network']) {
        const m = presetMethodology(id);
        const scope = ratingScope({});
        const fast = await buildRatingInputs(db, readModelValues(db), m, scope, date);
        const slow = await buildRatingInputs(
          db,
          observationValues(db, Number.MAX_SAFE_INTEGER),
          m,
          scope,
          date,
        );
        expect(fast.inputs).toEqual(slow.inputs);
        expect(fast.observedUntil).toBe(slow.observedUntil);
      }
    }
    // The activity aggregate kept as posts arrive equals its recomputation from the posts.
    const activity = () =>
      db
        .selectFrom('region_activity')
        .selectAll()
        .where('region_code', '!=', 'RU-SPE')
        .where('active', '!=', 0)
        .orderBy('region_code')
        .orderBy('category')
        .orderBy('day')
        .execute();
    const kept = await activity();
    expect(kept.length).toBeGreaterThan(0);
    await rebuildRegionActivity(db);
    expect(await activity()).toEqual(kept);
    const rating = await computeRating(db, { methodology: 'network', date: D });
    expect(rating.rows).toHaveLength(89);
  });
});

describeEachDialect('register counters per region', (store) => {
  it('give channels per category from the pivot, and from the rows when a stored category is off the list', async () => {
    const { db } = store();
    await addChannel(db, { region: 'RU-BA', category: 'school' });
    await addChannel(db, { region: 'RU-BA', category: 'school' });
    await addChannel(db, { region: 'RU-BA' });
    await addChannel(db, { region: 'RU-TA', category: 'culture' });
    const sorted = (rows: { region_code: string; category: string; channels: number }[]) =>
      [...rows].sort((a, b) =>
        `${a.region_code}${a.category}`.localeCompare(`${b.region_code}${b.category}`),
      );
    const listed = await regionCounterSums(db);
    expect(sorted(listed.channels)).toEqual([
      { region_code: 'RU-BA', category: 'regional_government', channels: 1 },
      { region_code: 'RU-BA', category: 'school', channels: 2 },
      { region_code: 'RU-TA', category: 'culture', channels: 1 },
    ]);
    // A category no longer in the register's list (e.g. left by an older version) is still counted.
    await db
      .insertInto('region_channels')
      .values({
        region_code: 'RU-TA',
        category: 'retired_category',
        channels: 4,
        removed: 0,
        posting: 0,
        checked: 0,
        complete: 0,
        pages_unknown: 0,
        posting_stale: 0,
      })
      .execute();
    const all = await regionCounterSums(db);
    expect(sorted(all.channels)).toEqual([
      { region_code: 'RU-BA', category: 'regional_government', channels: 1 },
      { region_code: 'RU-BA', category: 'school', channels: 2 },
      { region_code: 'RU-TA', category: 'culture', channels: 1 },
      { region_code: 'RU-TA', category: 'retired_category', channels: 4 },
    ]);
    expect(all.regions.get('RU-BA')).toEqual(listed.regions.get('RU-BA'));
  });
});
