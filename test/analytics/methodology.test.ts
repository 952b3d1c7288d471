import { describe, expect, it } from 'vitest';
import { presetMethodology } from '../../src/analytics/methodologies/index.ts';
import {
  computeRating,
  type IndicatorSpec,
  type Methodology,
  parseMethodology,
  type RatingItem,
} from '../../src/analytics/methodology.ts';
import { ValidationError } from '../../src/shared/errors.ts';

function spec(key: string, direction: 'asc' | 'desc', weight: number): IndicatorSpec {
  const t = key.toUpperCase();
  return { key, title_ru: t, title_en: t, formula_ru: key, formula_en: key, direction, weight };
}

function methodology(
  combination: Methodology['combination'],
  indicators: IndicatorSpec[],
  parameters: Methodology['parameters'] = {},
): Methodology {
  return {
    id: 'test',
    version: '1',
    title_ru: 'Тест',
    title_en: 'Test',
    description_ru: 'Тестовая методика',
    description_en: 'Test methodology',
    scope: 'regions',
    indicators,
    combination,
    parameters,
    unknowns_ru: [],
    unknowns_en: [],
  };
}

// a: larger is better; b: smaller is better.
const items: RatingItem[] = [
  { key: 'r1', name: 'Альфа', values: { a: 100, b: 5 } },
  { key: 'r2', name: 'Бета', values: { a: 80, b: 3 } },
  { key: 'r3', name: 'Гамма', values: { a: 80, b: 8 } },
  { key: 'r4', name: 'Дельта', values: { a: 50, b: 1 } },
  { key: 'r5', name: 'Эпсилон', values: { a: null, b: 2 } },
];
const asOf = '2025-12-01';
const rankAverage = methodology('rank_average', [spec('a', 'desc', 1), spec('b', 'asc', 1)]);

const summary = (rows: { key: string; place: number | null; score: number | null }[]) =>
  rows.map((r) => [r.key, r.place, r.score]);

describe('computeRating: rank_average', () => {
  it('averages indicator places; equal averages share the place (competition rule)', () => {
    const t = computeRating(rankAverage, { asOf, items });
    // a places: r1 1, r2 2, r3 2, r4 4; b places: r4 1, r2 2, r1 3, r3 4
    expect(summary(t.rows)).toEqual([
      ['r1', 1, 2],
      ['r2', 1, 2],
      ['r4', 3, 2.5],
      ['r3', 4, 3],
      ['r5', null, null],
    ]);
    expect(t.rows[0]?.indicators).toEqual({
      a: { value: 100, place: 1, normalised: null },
      b: { value: 5, place: 3, normalised: null },
    });
    expect(t.rows[4]?.indicators.b).toEqual({ value: 2, place: null, normalised: null });
    expect(t.rows[4]?.flags).toEqual([
      {
        code: 'missing_data',
        reason_ru: 'Нет данных: A — не участвует в рейтинге',
        reason_en: 'No data: A — not ranked',
      },
    ]);
    expect(t.methodology).toEqual({
      id: 'test',
      version: '1',
      combination: 'rank_average',
      scope: 'regions',
      parameters: {},
    });
  });

  it('applies the dense rule to indicator places and to the final place', () => {
    const t = computeRating({ ...rankAverage, parameters: { ties: 'dense' } }, { asOf, items });
    // a dense: r1 1, r2 2, r3 2, r4 3 → averages r1 2, r2 2, r4 2, r3 3
    expect(summary(t.rows)).toEqual([
      ['r1', 1, 2],
      ['r2', 1, 2],
      ['r4', 1, 2],
      ['r3', 2, 3],
      ['r5', null, null],
    ]);
  });

  it("with missing: 'reweight' ranks a row on the indicators it has", () => {
    const t = computeRating({ ...rankAverage, parameters: { missing: 'reweight' } }, { asOf, items });
    // b places among five: r4 1, r5 2, r2 3, r1 4, r3 5; r5 score = its b place only
    expect(summary(t.rows)).toEqual([
      ['r5', 1, 2],
      ['r1', 2, 2.5],
      ['r2', 2, 2.5],
      ['r4', 2, 2.5],
      ['r3', 5, 3.5],
    ]);
    expect(t.rows[0]?.flags[0]?.reason_ru).toBe('Нет данных: A');
  });
});

describe('computeRating: weighted_minmax and single', () => {
  it('scores 100 × weighted mean of min–max normalised values (hand-computed)', () => {
    const m = methodology('weighted_minmax', [spec('a', 'desc', 3), spec('b', 'asc', 1)]);
    const t = computeRating(m, { asOf, items });
    // a norm: r1 1, r2 0.6, r3 0.6, r4 0; b norm (8 − b) / 7: r1 3/7, r2 5/7, r3 0, r4 1
    expect(summary(t.rows)).toEqual([
      ['r1', 1, 85.714286],
      ['r2', 2, 62.857143],
      ['r3', 3, 45],
      ['r4', 4, 25],
      ['r5', null, null],
    ]);
    expect(t.rows[0]?.indicators.b?.normalised).toBeCloseTo(3 / 7, 12);
    expect(t.rows[3]?.indicators.a).toEqual({ value: 50, place: 4, normalised: 0 });
  });

  it('ranks normalised scores high-to-low even when the first indicator is ascending', () => {
    const m = methodology('weighted_minmax', [spec('b', 'asc', 1), spec('a', 'desc', 3)]);
    const t = computeRating(m, { asOf, items });
    expect(t.rows.map((r) => r.key)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('single on an ascending indicator: the smallest value is first', () => {
    const m = methodology('single', [spec('b', 'asc', 1)]);
    const t = computeRating(m, {
      asOf,
      items: items.map((i) => ({ ...i, values: { b: i.values.b ?? null } })),
    });
    expect(summary(t.rows)).toEqual([
      ['r4', 1, 1],
      ['r5', 2, 2],
      ['r2', 3, 3],
      ['r1', 4, 5],
      ['r3', 5, 8],
    ]);
  });

  it('gives everyone 100 when every value is equal', () => {
    const m = methodology('weighted_minmax', [spec('a', 'desc', 1)]);
    const t = computeRating(m, {
      asOf,
      items: [
        { key: 'x', name: 'Икс', values: { a: 7 } },
        { key: 'y', name: 'Игрек', values: { a: 7 } },
      ],
    });
    expect(summary(t.rows)).toEqual([
      ['y', 1, 100],
      ['x', 1, 100],
    ]);
  });

  it('single: the score is the value', () => {
    const m = methodology('single', [spec('a', 'desc', 1)]);
    const t = computeRating(m, {
      asOf,
      items: items.map((i) => ({ ...i, values: { a: i.values.a ?? null } })),
    });
    expect(summary(t.rows)).toEqual([
      ['r1', 1, 100],
      ['r2', 2, 80],
      ['r3', 2, 80],
      ['r4', 4, 50],
      ['r5', null, null],
    ]);
  });
});

describe('computeRating: flags, exclusions, previous table, determinism', () => {
  const single = methodology('single', [spec('a', 'desc', 1)]);
  const current = items.map((i) => ({ key: i.key, name: i.name, values: { a: i.values.a ?? null } }));

  it('keeps flagged rows ranked with their flags; lists excluded rows unranked', () => {
    const flag = { code: 'anomaly:spike', day: '2025-11-20', reason_ru: 'Рост', reason_en: 'Gain' };
    const exclusion = { code: 'excluded:few_posts', reason_ru: 'Мало постов', reason_en: 'Few posts' };
    const t = computeRating(single, {
      asOf,
      items: current.map((i) =>
        i.key === 'r1' ? { ...i, flags: [flag] } : i.key === 'r2' ? { ...i, exclusion } : i,
      ),
    });
    expect(summary(t.rows)).toEqual([
      ['r1', 1, 100],
      ['r3', 2, 80],
      ['r4', 3, 50],
      ['r2', null, null],
      ['r5', null, null],
    ]);
    expect(t.rows[0]?.flags).toEqual([flag]);
    expect(t.rows[3]?.flags).toEqual([exclusion]);
    expect(t.rows[3]?.indicators.a).toEqual({ value: 80, place: null, normalised: null });
  });

  it('computes place changes against a previous table (positive = up, null = new)', () => {
    const previous = computeRating(single, {
      asOf: '2025-11-01',
      items: [
        { key: 'r1', name: 'Альфа', values: { a: 10 } },
        { key: 'r2', name: 'Бета', values: { a: 30 } },
        { key: 'r3', name: 'Гамма', values: { a: 20 } },
      ],
    });
    const t = computeRating(single, { asOf, items: current }, previous);
    expect(t.rows.map((r) => [r.key, r.placeChange])).toEqual([
      ['r1', 2],
      ['r2', -1],
      ['r3', 0],
      ['r4', null],
      ['r5', null],
    ]);
    expect(t.previous).toEqual({ asOf: '2025-11-01', version: '1' });
    expect(() => computeRating({ ...single, id: 'other' }, { asOf, items: current }, previous)).toThrow(
      ValidationError,
    );
  });

  it('is deterministic: same inputs in any order give identical JSON', () => {
    const m = methodology('weighted_minmax', [spec('a', 'desc', 1), spec('b', 'asc', 2)]);
    const a = JSON.stringify(computeRating(m, { asOf, items }));
    const b = JSON.stringify(computeRating(m, { asOf, items: [...items].reverse() }));
    const c = JSON.stringify(computeRating(JSON.parse(JSON.stringify(m)), { asOf, items }));
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('validates methodologies and inputs', () => {
    expect(() => parseMethodology({ ...rankAverage, combination: 'single' })).toThrow(ValidationError);
    expect(() => parseMethodology({ ...rankAverage, indicators: [spec('a', 'desc', 0)] })).toThrow(
      ValidationError,
    );
    expect(() => parseMethodology({ ...rankAverage, id: 'Bad Id' })).toThrow(ValidationError);
    expect(() =>
      computeRating(rankAverage, { asOf, items: [{ key: 'x', name: 'X', values: { a: 1 } }] }),
    ).toThrow(ValidationError);
    expect(() => computeRating(rankAverage, { asOf, items: [items[0]!, items[0]!] })).toThrow(
      ValidationError,
    );
    expect(() => computeRating(rankAverage, { asOf: '2025-02-30', items })).toThrow(ValidationError);
  });

  it('serialises every preset methodology and parses it back unchanged', () => {
    for (const id of ['dialog-2025', 'network', 'places-average', 'views-per-post']) {
      const m = presetMethodology(id);
      expect(parseMethodology(JSON.parse(JSON.stringify(m)))).toEqual(m);
      expect(m.description_ru.length).toBeGreaterThan(20);
      expect(m.unknowns_ru.length).toBe(m.unknowns_en.length);
    }
    expect(() => presetMethodology('nope')).toThrow(ValidationError);
    expect(() => presetMethodology('network', { weights: { growth_pct: -1 } })).toThrow(ValidationError);
  });
});
