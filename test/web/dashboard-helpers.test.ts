import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BLUE_RAMP,
  colourOf,
  contrastRatio,
  LEGEND_TEXT,
  luminance,
  NO_DATA_FILL,
  NO_DATA_HATCH,
  quantileClasses,
} from '../../src/web/client/choropleth.ts';
import {
  formatIndicator,
  formatScore,
  formatSigned,
  formatSignedPercent,
} from '../../src/web/client/indicator-format.ts';
import {
  documentPart,
  parseInline,
  parseMarkdown,
  sectionOf,
  slugOf,
} from '../../src/web/client/markdown.ts';

/** Pure helpers of the analytics pages: map classes and contrast, indicator formats, the methodology text. */

describe('map colour classes', () => {
  it('splits values at quantiles, light to dark, covering every value once', () => {
    const values = Array.from({ length: 80 }, (_, i) => i + 1);
    const classes = quantileClasses([...values, null, null]);
    expect(classes.map((c) => [c.min, c.max])).toEqual([
      [1, 16],
      [17, 32],
      [33, 48],
      [49, 64],
      [65, 80],
    ]);
    expect(classes.map((c) => c.color)).toEqual([...BLUE_RAMP]);
    expect(colourOf(classes, 1)).toBe(BLUE_RAMP[0]);
    expect(colourOf(classes, 80)).toBe(BLUE_RAMP[4]);
    expect(colourOf(classes, null)).toBeUndefined();
  });

  it('reverses the ramp when lower is better (place 1 is darkest)', () => {
    const classes = quantileClasses([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], false);
    expect(colourOf(classes, 1)).toBe(BLUE_RAMP[4]);
    expect(colourOf(classes, 10)).toBe(BLUE_RAMP[0]);
  });

  it('gives as many classes as distinct values when there are few, ties share a class', () => {
    expect(quantileClasses([]).length).toBe(0);
    expect(quantileClasses([5, 5, 5]).map((c) => [c.min, c.max])).toEqual([[5, 5]]);
    const two = quantileClasses([1, 1, 1, 9]);
    expect(two.map((c) => [c.min, c.max])).toEqual([
      [1, 1],
      [9, 9],
    ]);
    // The darkest colour always marks the highest class.
    expect(two[1]?.color).toBe(BLUE_RAMP[4]);
  });

  it('puts every value in exactly one class (property)', () => {
    // Found by the property below: ties at a break used to leave the largest value without a class.
    const tied = quantileClasses([0, 322, -1, 322, -2, 323, 1]);
    expect(colourOf(tied, 323)).toBe(BLUE_RAMP[4]);
    expect(tied.at(-1)).toMatchObject({ min: 323, max: 323 });
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 120 }),
        (values) => {
          const classes = quantileClasses(values);
          for (let i = 1; i < classes.length; i++)
            expect(classes[i]!.min).toBeGreaterThan(classes[i - 1]!.max);
          for (const v of values) {
            const holders = classes.filter((c) => v >= c.min && v <= c.max);
            expect(holders.length).toBe(1);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is readable: legend text has AA contrast, ramp steps differ in lightness, no-data differs from every class', () => {
    expect(contrastRatio(LEGEND_TEXT, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    // Monotone lightness, each step at least 1.35× the contrast of the next: readable without hue.
    for (let i = 1; i < BLUE_RAMP.length; i++) {
      expect(luminance(BLUE_RAMP[i]!)).toBeLessThan(luminance(BLUE_RAMP[i - 1]!));
      expect(contrastRatio(BLUE_RAMP[i]!, BLUE_RAMP[i - 1]!)).toBeGreaterThan(1.35);
    }
    // The darkest class stands out against white borders and the hatch is visible on its fill.
    expect(contrastRatio(BLUE_RAMP[4], '#ffffff')).toBeGreaterThan(7);
    expect(contrastRatio(NO_DATA_HATCH, NO_DATA_FILL)).toBeGreaterThan(2);
  });
});

describe('indicator formats', () => {
  it('writes counts, per-capita figures, shares and percentages the Russian way', () => {
    expect(formatIndicator('subscribers', 12345, 'ru')).toBe('12\u00a0345');
    expect(formatIndicator('subscribers_per_1000', 3.766, 'ru')).toBe('3,77');
    expect(formatIndicator('active_share', 0.125, 'ru')).toBe('12,5\u00a0%');
    expect(formatIndicator('growth_pct', 2.5, 'ru')).toBe('2,5\u00a0%');
    expect(formatIndicator('growth_pct', 2.5, 'en')).toBe('2.5%');
    expect(formatIndicator('posts_per_week', 3.25, 'ru')).toBe('3,3');
    expect(formatIndicator('subscribers', null, 'ru')).toBe('—');
    expect(formatScore('rank_average', 2.5, 'ru')).toBe('2,50');
    expect(formatScore('weighted_minmax', 73.456, 'en')).toBe('73.5');
    expect(formatSigned(1234, 'ru')).toBe('+1\u00a0234');
    expect(formatSigned(-56, 'ru')).toBe('\u221256');
    expect(formatSigned(0, 'ru')).toBe('0');
    expect(formatSignedPercent(-0.84, 'ru')).toBe('\u22120,8\u00a0%');
  });
});

describe('the methodology text', () => {
  const source = readFileSync(new URL('../../docs/METHODOLOGY.md', import.meta.url), 'utf8');
  const blocks = parseMarkdown(source);

  it('parses bold and code spans', () => {
    expect(parseInline('a **b** `c` d')).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'strong', text: 'b' },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: 'c' },
      { kind: 'text', text: ' d' },
    ]);
    expect(slugOf('5.1. `dialog-2025` — каналы')).toBe('5-1-dialog-2025');
  });

  it('splits the document into its Russian and English halves with the same sections', () => {
    const ru = documentPart(blocks, 'ru');
    const en = documentPart(blocks, 'en');
    const h2 = (part: typeof ru) => part.filter((b) => b.kind === 'heading' && b.level === 2).length;
    expect(h2(ru)).toBeGreaterThanOrEqual(7);
    expect(h2(en)).toBe(h2(ru));
    expect(ru[0]).toMatchObject({ kind: 'heading', text: '1. Общие правила' });
    expect(JSON.stringify(ru)).not.toContain('Methodology (English)');
    expect(ru.some((b) => b.kind === 'table' && b.head.length === 2 && b.rows.length > 3)).toBe(true);
  });

  it('keeps the «Диалог Регионы» caveat in the dialog-2025 section, in both languages', () => {
    const ru = sectionOf(documentPart(blocks, 'ru'), (h) => h.includes('`dialog-2025`'));
    const text = JSON.stringify(ru);
    expect(text).toContain('не');
    expect(text).toContain('опубликовало формулу');
    expect(text).toContain('по схеме „Диалог Регионы“');
    // The section stops at the next methodology.
    expect(text).not.toContain('`network`');
    const en = JSON.stringify(sectionOf(documentPart(blocks, 'en'), (h) => h.includes('`dialog-2025`')));
    expect(en.length).toBeGreaterThan(500);
  });
});
