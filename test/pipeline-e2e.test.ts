import { afterEach, expect, it } from 'vitest';
import { moscowDay } from '../src/analytics/calendar.ts';
import { computeRegionRating } from '../src/analytics/rating.service.ts';
import { runCollectionCycle } from '../src/collect/collection.service.ts';
import { classifyCollectError, createMaxSource } from '../src/collect/max-source.ts';
import type { Emulator } from '../src/emulator/emulator.server.ts';
import { regionsWithPopulationAt } from '../src/register/region.repository.ts';
import { emulatedWorld, worldIndex } from './helpers/collect.ts';
import { describeEachDialect } from './helpers/stores.ts';

/**
 * The whole pipeline: the emulated MAX world → the collector over HTTP → the read model → the dialog-2025
 * rating, checked against the world's own truth (the audience of each regional government's channel at the
 * moment it was observed, and the population valid at the date).
 */
describeEachDialect('emulator → collector → rating', (store) => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('rates the 89 regions from collected figures that match the emulator truth', async () => {
    const { db } = store();
    const world = await emulatedWorld(db, { channels: 120, rate: 300 });
    emulator = world.emulator;
    await runCollectionCycle(db, createMaxSource(world.config.max), {
      mode: 'once',
      skipPosts: true,
      classify: classifyCollectError,
    });
    const date = moscowDay(Date.now());
    const table = await computeRegionRating(db, { methodology: 'dialog-2025', date, previousDays: 0 });
    expect(table.rows).toHaveLength(89);

    const governments = await db
      .selectFrom('channels as c')
      .innerJoin('observations as o', 'o.channel_id', 'c.id')
      .select(['c.nickname', 'c.region_code', 'o.subscribers', 'o.observed_at'])
      .where('c.category', '=', 'regional_government')
      .execute();
    const population = new Map((await regionsWithPopulationAt(db, date)).map((r) => [r.code, r.population]));
    let compared = 0;
    for (const g of governments) {
      const truth = emulator.world.participantsAt(worldIndex(emulator, g.nickname!), g.observed_at);
      const row = table.rows.find((r) => r.key === g.region_code)!;
      expect(row.indicators.subscribers?.value).toBe(g.subscribers);
      expect(Math.abs(g.subscribers - truth)).toBeLessThanOrEqual(Math.max(2, truth * 0.002));
      const p = population.get(g.region_code!);
      if (p) expect(row.indicators.subscribers_per_1000?.value).toBeCloseTo((g.subscribers * 1000) / p, 9);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(80);
    // Places follow the values: a better subscriber count never has a worse subscriber place.
    const ranked = table.rows.filter((r) => r.indicators.subscribers?.place != null);
    for (const a of ranked)
      for (const b of ranked)
        if ((a.indicators.subscribers!.value ?? 0) > (b.indicators.subscribers!.value ?? 0))
          expect(a.indicators.subscribers!.place!).toBeLessThan(b.indicators.subscribers!.place!);
  });
});
