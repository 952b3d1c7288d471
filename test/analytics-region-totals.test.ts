import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RegionChannelFacts, regionMetrics } from '../src/analytics/region-metrics.ts';
import { addChannel, emptyTotals, metricsFromTotals } from '../src/analytics/region-totals.ts';

/**
 * Region figures from totals (what the database adds up for 250,000 channels) must be exactly the figures
 * `regionMetrics` computes from the list of channels.
 */

const channel = fc.record({
  id: fc.string(),
  category: fc.constantFrom('regional_government', 'school', 'culture'),
  subscribers: fc.option(fc.integer({ min: 0, max: 5_000_000 }), { nil: null }),
  subscribersAtStart: fc.option(fc.integer({ min: 0, max: 5_000_000 }), { nil: null }),
  postsPerWeek: fc.option(
    fc.integer({ min: 0, max: 80 }).map((n) => n / 4),
    { nil: null },
  ),
  pageComplete: fc.option(fc.boolean(), { nil: null }),
}) satisfies fc.Arbitrary<RegionChannelFacts>;

describe('region figures from totals', () => {
  it('equal regionMetrics on the same channels', () => {
    fc.assert(
      fc.property(
        fc.array(channel, { maxLength: 40 }),
        fc.option(fc.integer({ min: 0, max: 20_000_000 }), { nil: null }),
        fc.constantFrom(1, 2.5, 3, 5),
        (channels, population, threshold) => {
          const region = { code: 'RU-KO', name: 'Республика Коми', population };
          const options = { asOf: '2025-12-31', periodStart: '2025-12-01', activeThreshold: threshold };
          const totals = emptyTotals();
          for (const c of channels) addChannel(totals, c, threshold);
          expect(metricsFromTotals(region, totals, options)).toEqual(
            regionMetrics({ ...region, channels }, options),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
