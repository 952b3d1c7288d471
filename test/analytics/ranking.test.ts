import { describe, expect, it } from 'vitest';
import { minMaxNormalise, placeChange, places, rank, zScores } from '../../src/analytics/ranking.ts';

const items = [
  { key: 'omsk', name: 'Омск', value: 30 },
  { key: 'biysk', name: 'Бийск', value: 20 },
  { key: 'abakan', name: 'Абакан', value: 20 },
  { key: 'chita', name: 'Чита', value: 10 },
  { key: 'tver', name: 'Тверь', value: null },
  { key: 'perm', name: 'Пермь', value: 5 },
];

const view = (rows: { name: string; place: number | null }[]) => rows.map((r) => `${r.name}:${r.place}`);

describe('rank', () => {
  it('uses competition ranking "1224" by default: ties share the best place, the next place skips', () => {
    expect(view(rank(items, { direction: 'desc' }))).toEqual([
      'Омск:1',
      'Абакан:2',
      'Бийск:2',
      'Чита:4',
      'Пермь:5',
      'Тверь:null',
    ]);
  });

  it('supports dense ranking "1223"', () => {
    expect(view(rank(items, { direction: 'desc', ties: 'dense' }))).toEqual([
      'Омск:1',
      'Абакан:2',
      'Бийск:2',
      'Чита:3',
      'Пермь:4',
      'Тверь:null',
    ]);
  });

  it('ranks ascending when smaller is better; nulls stay unranked and last', () => {
    expect(view(rank(items, { direction: 'asc' }))).toEqual([
      'Пермь:1',
      'Чита:2',
      'Абакан:3',
      'Бийск:3',
      'Омск:5',
      'Тверь:null',
    ]);
  });

  it('treats floating-point near-equal values as a tie and NaN as missing', () => {
    const r = rank(
      [
        { key: 'a', name: 'Б', value: 0.1 + 0.2 },
        { key: 'b', name: 'А', value: 0.3 },
        { key: 'c', name: 'В', value: Number.NaN },
      ],
      { direction: 'desc' },
    );
    expect(view(r)).toEqual(['А:1', 'Б:1', 'В:null']);
  });

  it('orders rows sharing a place by name, then key, whatever the input order', () => {
    const shuffled = [items[3]!, items[1]!, items[5]!, items[4]!, items[0]!, items[2]!];
    expect(rank(shuffled, { direction: 'desc' })).toEqual(rank(items, { direction: 'desc' }));
    const sameName = rank(
      [
        { key: 'z', name: 'Город', value: 1 },
        { key: 'a', name: 'Город', value: 1 },
      ],
      { direction: 'desc' },
    );
    expect(sameName.map((r) => r.key)).toEqual(['a', 'z']);
  });

  it('returns places in input order', () => {
    expect(places([10, null, 30, 10], { direction: 'desc' })).toEqual([2, null, 1, 2]);
  });
});

describe('normalisation', () => {
  it('min–max maps the best to 1 and the worst to 0, per direction; nulls excluded', () => {
    expect(minMaxNormalise([10, 20, null, 30], 'desc')).toEqual([0, 0.5, null, 1]);
    expect(minMaxNormalise([10, 20, null, 30], 'asc')).toEqual([1, 0.5, null, 0]);
  });

  it('gives 1 to everyone when all values are equal', () => {
    expect(minMaxNormalise([7, 7, null, 7], 'desc')).toEqual([1, 1, null, 1]);
    expect(minMaxNormalise([null, null], 'desc')).toEqual([null, null]);
  });

  it('computes z-scores with the population standard deviation', () => {
    // mean 5, SD 2
    expect(zScores([2, 4, 4, 4, 5, 5, 7, 9, null])).toEqual([-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2, null]);
    expect(zScores([3, 3, 3])).toEqual([0, 0, 0]);
  });
});

describe('placeChange', () => {
  it('is previous − current: positive when moving up, null when new or unranked', () => {
    expect(placeChange(2, 5)).toBe(3);
    expect(placeChange(5, 2)).toBe(-3);
    expect(placeChange(4, 4)).toBe(0);
    expect(placeChange(3, undefined)).toBeNull();
    expect(placeChange(null, 2)).toBeNull();
    expect(placeChange(1, null)).toBeNull();
  });
});
