import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { computeRating } from '../src/analytics/rating.service.ts';
import { upsertPopulation } from '../src/register/region.repository.ts';
import type { DB } from '../src/store/schema.ts';
import { addChannel, lastDays, observe, page, posts } from './helpers/analytics-fixtures.ts';
import { describeEachDialect } from './helpers/stores.ts';

/**
 * Ratings from observations through the real path: channels in the register, observations recorded with
 * `recordObservations` (the read model kept as in production), posts and page profiles, population figures;
 * then `computeRating` for `dialog-2025`, `network` and `places-average` (channels and municipalities),
 * checked against values computed by hand from the formulas in docs/METHODOLOGY.md.
 */

const D = '2026-03-31';
const START = '2026-02-28'; // one month before D; also carried to D − 30 = 2026-03-01
const WEEK = '2026-03-24';

async function world(db: Kysely<DB>) {
  await upsertPopulation(db, [
    { region_code: 'RU-KO', as_of: '2026-01-01', population: 800_000, source: 'test' },
    { region_code: 'RU-AST', as_of: '2026-01-01', population: 1_000_000, source: 'test' },
    { region_code: 'RU-CHU', as_of: '2026-01-01', population: 50_000, source: 'test' },
  ]);
  const ko = await addChannel(db, { region: 'RU-KO', title: 'Правительство Коми' });
  const school = await addChannel(db, { region: 'RU-KO', category: 'school', title: 'Школа № 1' });
  const ast = await addChannel(db, { region: 'RU-AST', title: 'Правительство Астраханской области' });
  const chu = await addChannel(db, { region: 'RU-CHU', title: 'Правительство Чукотки' });
  await observe(db, ko, { [START]: 7_000, [WEEK]: 12_500, [D]: 8_000 });
  await observe(db, school, { [START]: 1_000, [WEEK]: 1_500, [D]: 2_000 });
  await observe(db, ast, { [START]: 10_000, [WEEK]: 11_000, [D]: 12_000 });
  await observe(db, chu, { [START]: 500, [WEEK]: 950, [D]: 1_000 });
  const window = lastDays(D, 28);
  await posts(db, ko, window.slice(0, 20)); // 20 posts in 28 days → 5 a week: active
  await posts(db, school, window.slice(0, 4)); // 1 a week: not active
  await posts(db, ast, window.slice(0, 12)); // 3 a week: active (threshold ≥ 3)
  await posts(db, chu, window.slice(0, 8)); // 2 a week: not active
  await page(db, ko, true);
  await page(db, school, false);
  await page(db, ast, true);
  await page(db, chu, true);
  return { ko, school, ast, chu };
}

describeEachDialect('ratings computed from recorded observations', (store) => {
  it('dialog-2025: subscribers, per 1,000 inhabitants, average of places and place change', async () => {
    const { db } = store();
    await world(db);
    const table = await computeRating(db, { methodology: 'dialog-2025', date: D });
    const row = (code: string) => table.rows.find((r) => r.key === code)!;
    expect(table.rows).toHaveLength(89);
    expect(table.asOf).toBe(D);
    expect(table.previous).toEqual({ asOf: WEEK, version: '1.0.0' });
    // Government channels only: the school's subscribers do not count.
    expect(row('RU-KO').indicators.subscribers!.value).toBe(8_000);
    expect(row('RU-KO').indicators.subscribers_per_1000!.value).toBeCloseTo(10, 12);
    expect(row('RU-AST').indicators.subscribers_per_1000!.value).toBeCloseTo(12, 12);
    expect(row('RU-CHU').indicators.subscribers_per_1000!.value).toBeCloseTo(20, 12);
    // Subscribers: AST 1, KO 2, CHU 3; per 1,000: CHU 1, AST 2, KO 3 → means 1.5, 2, 2.5.
    expect([row('RU-AST').score, row('RU-CHU').score, row('RU-KO').score]).toEqual([1.5, 2, 2.5]);
    expect([row('RU-AST').place, row('RU-CHU').place, row('RU-KO').place]).toEqual([1, 2, 3]);
    // A week earlier: subscribers KO 12,500 (1), AST 11,000 (2), CHU 950 (3); per 1,000 CHU 19 (1),
    // KO 15.625 (2), AST 11 (3) → KO 1, CHU 2, AST 3. Change = previous place − place.
    expect(row('RU-AST').placeChange).toBe(2);
    expect(row('RU-CHU').placeChange).toBe(0);
    expect(row('RU-KO').placeChange).toBe(-2);
    expect(row('RU-MOW').place).toBeNull();
    expect(row('RU-MOW').flags.map((f) => f.code)).toContain('excluded:no_channel');
    // The as-of is the latest observation used: 20:00 Moscow time on D.
    expect(table.inputsObservedUntil).toBe('2026-03-31T17:00:00.000Z');
  });

  it('network: five min–max normalised indicators over the whole network of channels', async () => {
    const { db } = store();
    await world(db);
    const table = await computeRating(db, { methodology: 'network', date: D, previousDays: 0 });
    const row = (code: string) => table.rows.find((r) => r.key === code)!;
    // By hand. Channels per 100k: KO 2/800k → 0.25, AST 0.1, CHU 2. Subscribers per 100: KO 10,000 → 1.25,
    // AST 1.2, CHU 2. Active share: KO 1/2, AST 1/1, CHU 0/1. Complete pages: KO 1/2, AST 1, CHU 1.
    // Growth over 30 days (vs 2026-03-01, carried from 02-28): KO 10,000/8,000 → 25 %, AST 20 %, CHU 100 %.
    const raw = {
      'RU-KO': [0.25, 1.25, 0.5, 0.5, 25],
      'RU-AST': [0.1, 1.2, 1, 1, 20],
      'RU-CHU': [2, 2, 0, 1, 100],
    } as const;
    const keys = ['channels_per_100k', 'subscribers_per_100', 'active_share', 'complete_share', 'growth_pct'];
    for (const [code, values] of Object.entries(raw)) {
      keys.forEach((k, i) => {
        expect(row(code).indicators[k]!.value).toBeCloseTo(values[i]!, 9);
      });
    }
    const norm = (i: number, code: keyof typeof raw) => {
      const all = Object.values(raw).map((v) => v[i]!);
      const min = Math.min(...all);
      const max = Math.max(...all);
      return max === min ? 1 : (raw[code][i]! - min) / (max - min);
    };
    for (const code of Object.keys(raw) as (keyof typeof raw)[]) {
      const expected = (100 * keys.reduce((s, _, i) => s + norm(i, code), 0)) / keys.length;
      expect(row(code).score).toBeCloseTo(expected, 5);
    }
    // KO = 100 × (0.15/1.9 + 0.05/0.8 + 0.5 + 0 + 5/80) / 5 ≈ 14.079; AST = 40; CHU = 80.
    expect(row('RU-CHU').score).toBeCloseTo(80, 6);
    expect(row('RU-AST').score).toBeCloseTo(40, 6);
    expect(row('RU-KO').score).toBeCloseTo(14.078947, 5);
    expect([row('RU-CHU').place, row('RU-AST').place, row('RU-KO').place]).toEqual([1, 2, 3]);
    // Regions without channels have no activity or page figures: listed without a place.
    expect(row('RU-MOW').place).toBeNull();
    expect(table.rows.filter((r) => r.place !== null)).toHaveLength(3);
  });

  it('honours the population valid at each date', async () => {
    const { db } = store();
    await world(db);
    // A new estimate for Komi from 2026-03-15: the rating on D uses it, a rating on 03-10 does not.
    await upsertPopulation(db, [
      { region_code: 'RU-KO', as_of: '2026-03-15', population: 400_000, source: 'test' },
    ]);
    await observe(
      db,
      (
        await db
          .selectFrom('channels')
          .select('id')
          .where('nickname', 'like', 'ch_ko_%')
          .orderBy('id')
          .executeTakeFirstOrThrow()
      ).id,
      {
        '2026-03-10': 7_600,
      },
    );
    const now = await computeRating(db, { methodology: 'dialog-2025', date: D, previousDays: 0 });
    const before = await computeRating(db, {
      methodology: 'dialog-2025',
      date: '2026-03-10',
      previousDays: 0,
    });
    expect(now.rows.find((r) => r.key === 'RU-KO')!.indicators.subscribers_per_1000!.value).toBeCloseTo(
      20,
      12,
    );
    expect(before.rows.find((r) => r.key === 'RU-KO')!.indicators.subscribers_per_1000!.value).toBeCloseTo(
      (7_600 * 1000) / 800_000,
      12,
    );
  });

  it('rates the channels of a category, and a month as a period', async () => {
    const { db } = store();
    await world(db);
    const table = await computeRating(db, {
      methodology: 'places-average',
      parameters: { indicators: ['subscribers', 'growth_pct'] },
      scope: { kind: 'channels', category: 'regional_government' },
      date: D,
      previousDays: 0,
    });
    expect(table.scope).toEqual({
      kind: 'channels',
      category: 'regional_government',
      region: null,
      key: 'channels:regional_government:*',
    });
    expect(table.rows.map((r) => r.name)).toEqual([
      'Правительство Астраханской области',
      'Правительство Чукотки',
      'Правительство Коми',
    ]);
    // Growth over a month (vs 02-28): AST 20 %, CHU 100 %, KO 14.29 % → places AST 2, CHU 1, KO 3.
    const ko = table.rows.find((r) => r.name === 'Правительство Коми')!;
    expect(ko.indicators.growth_pct!.value).toBeCloseTo(((8_000 - 7_000) / 7_000) * 100, 9);
    expect(table.rows.map((r) => r.score)).toEqual([1.5, 2, 2.5]);

    const month = await computeRating(db, { methodology: 'dialog-2025', period: '2026-03' });
    expect(month.asOf).toBe(D);
    expect(month.period).toEqual({ key: '2026-03', kind: 'month', from: '2026-03-01', to: D });
    expect(month.previous?.asOf).toBe('2026-02-28');
    await expect(computeRating(db, { methodology: 'network', scope: { kind: 'channels' } })).rejects.toThrow(
      /rates regions/,
    );
  });

  it('rates the municipalities of a region', async () => {
    const { db } = store();
    const gov = await addChannel(db, { region: 'RU-KO' });
    const a = await addChannel(db, { region: 'RU-KO', category: 'school', municipality: 'Сыктывкар' });
    const b = await addChannel(db, { region: 'RU-KO', category: 'culture', municipality: 'Сыктывкар' });
    const c = await addChannel(db, { region: 'RU-KO', category: 'school', municipality: 'Ухта' });
    await addChannel(db, { region: 'RU-AST', category: 'school', municipality: 'Астрахань' });
    for (const [id, n] of [
      [gov, 8_000],
      [a, 2_000],
      [b, 500],
      [c, 300],
    ] as const) {
      await observe(db, id, { [D]: n });
    }
    const table = await computeRating(db, {
      methodology: 'places-average',
      parameters: { indicators: ['subscribers', 'channels'] },
      scope: { kind: 'municipalities', region: 'ru-ko' },
      date: D,
      previousDays: 0,
    });
    // Subscribers: (none) 8,000 → 1, Сыктывкар 2,500 → 2, Ухта 300 → 3; channels: Сыктывкар 2 → 1, the others 1
    // → 2; means 1.5, 1.5, 2.5: two share the 1st place, Ухта is 3rd (rule 1-2-2-4).
    expect(table.rows.map((r) => [r.name, r.place])).toEqual([
      ['Без муниципалитета', 1],
      ['Сыктывкар', 1],
      ['Ухта', 3],
    ]);
    expect(table.rows.find((r) => r.name === 'Сыктывкар')!.indicators.subscribers!.value).toBe(2_500);
  });
});
