import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type DialogRegion,
  dialog2025Inputs,
  dialog2025Methodology,
} from '../../src/analytics/methodologies/dialog-2025.ts';
import { computeRating, type RatingTable } from '../../src/analytics/methodology.ts';

/** Populations from the shipped reference file (read here, never in src). */
function referencePopulation(): Map<string, { name: string; population: number }> {
  const lines = readFileSync(new URL('../../reference/regions.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n');
  const out = new Map<string, { name: string; population: number }>();
  for (const line of lines.slice(1)) {
    const cols = line.split(',');
    out.set(cols[0] ?? '', { name: cols[1] ?? '', population: Number(cols[6]) });
  }
  return out;
}

// Диалог Регионы, December 2025: top 5 by subscribers.
const PUBLISHED: [string, number][] = [
  ['RU-MOW', 50_000],
  ['RU-AST', 13_000],
  ['RU-KRS', 8_000],
  ['RU-KO', 7_800],
  ['RU-CHU', 1_200],
];
// Диалог's «с учётом количества жителей» order.
const DIALOG_PER_CAPITA_ORDER = ['RU-AST', 'RU-KO', 'RU-MOW', 'RU-CHU', 'RU-KRS'];
const asOf = '2025-12-01';

function top5(): DialogRegion[] {
  const ref = referencePopulation();
  return PUBLISHED.map(([code, subscribers]) => {
    const r = ref.get(code);
    if (!r) throw new Error(`${code} missing from reference/regions.csv`);
    return { code, name: r.name, population: r.population, channels: [{ id: code, subscribers }] };
  });
}

/** Kendall distance to Диалог's order: discordant pairs + ½ per tied pair (0 = identical, 10 = reversed). */
function distance(table: RatingTable): number {
  const place = new Map(table.rows.map((r) => [r.key, r.place ?? Number.POSITIVE_INFINITY]));
  let d = 0;
  for (let i = 0; i < DIALOG_PER_CAPITA_ORDER.length; i++) {
    for (let j = i + 1; j < DIALOG_PER_CAPITA_ORDER.length; j++) {
      const a = place.get(DIALOG_PER_CAPITA_ORDER[i]!)!;
      const b = place.get(DIALOG_PER_CAPITA_ORDER[j]!)!;
      if (a > b) d += 1;
      else if (a === b) d += 0.5;
    }
  }
  return d;
}

describe('dialog-2025 against the published top 5', () => {
  it('per-capita order from reference populations is Чукотка, Астраханская, Коми, Курская, Москва', () => {
    const regions = top5();
    expect(regions.map((r) => r.population)).toEqual([13_274_285, 946_572, 1_049_719, 714_849, 47_839]);
    const m = dialog2025Methodology();
    const inputs = dialog2025Inputs(m, asOf, regions);
    const perCapita = inputs.items
      .map((i) => [i.key, i.values.subscribers_per_1000 ?? 0] as const)
      .sort((a, b) => b[1] - a[1]);
    expect(perCapita.map((p) => p[0])).toEqual(['RU-CHU', 'RU-AST', 'RU-KO', 'RU-KRS', 'RU-MOW']);
    expect(perCapita[0]?.[1]).toBeCloseTo((1200 / 47_839) * 1000, 10); // 25.08…
    expect(perCapita[4]?.[1]).toBeCloseTo((50_000 / 13_274_285) * 1000, 10); // 3.77…
  });

  it('default (average of the two places) puts Астраханская first with ties by the competition rule', () => {
    const m = dialog2025Methodology();
    const t = computeRating(m, dialog2025Inputs(m, asOf, top5()));
    // subscribers: МСК 1, АСТ 2, КРС 3, КО 4, ЧУК 5; per 1 000: ЧУК 1, АСТ 2, КО 3, КРС 4, МСК 5
    expect(t.rows.map((r) => [r.key, r.place, r.score])).toEqual([
      ['RU-AST', 1, 2],
      ['RU-MOW', 2, 3],
      ['RU-CHU', 2, 3],
      ['RU-KRS', 4, 3.5],
      ['RU-KO', 4, 3.5],
    ]);
    expect(distance(t)).toBe(3);
  });

  it('no weighting of our two combinations reproduces Диалог’s order; the closest is stated', () => {
    // Subscriber weight i/100 (per-capita weight 1 − i/100), both combinations, 202 tables.
    const candidates: { label: string; d: number }[] = [];
    for (let i = 0; i <= 100; i++) {
      const weights = { subscribers: i / 100, subscribers_per_1000: 1 - i / 100 };
      for (const combination of ['rank_average', 'weighted_minmax'] as const) {
        const m = dialog2025Methodology({ combination, weights });
        candidates.push({
          label: `${combination}@${i}`,
          d: distance(computeRating(m, dialog2025Inputs(m, asOf, top5()))),
        });
      }
    }
    expect(candidates.filter((c) => c.d === 0)).toEqual([]);
    const best = Math.min(...candidates.map((c) => c.d));
    expect(best).toBe(2);
    // Closest (2 of 10 pairs out of order): average of places with subscribers weighted 0.34–0.39
    // (Астраханская, Чукотка, Коми, Москва, Курская) and min–max with subscribers weighted 0.84–0.85
    // (Москва, Астраханская, Коми, Чукотка, Курская).
    expect(candidates.filter((c) => c.d === best).map((c) => c.label)).toEqual([
      'rank_average@34',
      'rank_average@35',
      'rank_average@36',
      'rank_average@37',
      'rank_average@38',
      'rank_average@39',
      'weighted_minmax@84',
      'weighted_minmax@85',
    ]);
  });

  it('sums or takes the largest of several government channels (parameter)', () => {
    const region: DialogRegion = {
      code: 'RU-X',
      name: 'Регион',
      population: 100_000,
      channels: [
        { id: 'a', subscribers: 3000 },
        { id: 'b', subscribers: 1000 },
        { id: 'c', subscribers: null },
      ],
    };
    const sum = dialog2025Methodology();
    expect(dialog2025Inputs(sum, asOf, [region]).items[0]?.values).toEqual({
      subscribers: 4000,
      subscribers_per_1000: 40,
    });
    const largest = dialog2025Methodology({ multipleChannels: 'largest' });
    expect(dialog2025Inputs(largest, asOf, [region]).items[0]?.values).toEqual({
      subscribers: 3000,
      subscribers_per_1000: 30,
    });
  });

  it('lists regions without a channel or without population unranked, with reasons', () => {
    const m = dialog2025Methodology();
    const t = computeRating(
      m,
      dialog2025Inputs(m, asOf, [
        { code: 'RU-A', name: 'А', population: 100_000, channels: [{ id: '1', subscribers: 500 }] },
        {
          code: 'RU-ZAP',
          name: 'Запорожская область',
          population: null,
          channels: [{ id: '2', subscribers: 900 }],
        },
        { code: 'RU-B', name: 'Б', population: 100_000, channels: [] },
      ]),
    );
    expect(t.rows.map((r) => [r.key, r.place, r.flags.map((f) => f.code)])).toEqual([
      ['RU-A', 1, []],
      ['RU-B', null, ['excluded:no_channel']],
      ['RU-ZAP', null, ['missing_data']],
    ]);
    expect(t.rows[2]?.indicators.subscribers_per_1000?.value).toBeNull();
  });

  it('uses the population valid at each date', () => {
    const m = dialog2025Methodology();
    const at = (population: number) =>
      dialog2025Inputs(m, asOf, [
        { code: 'RU-A', name: 'А', population, channels: [{ id: '1', subscribers: 1000 }] },
      ]).items[0]?.values.subscribers_per_1000;
    expect(at(200_000)).toBe(5);
    expect(at(250_000)).toBe(4);
  });
});
