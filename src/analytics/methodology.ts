import { z } from 'zod';
import { ValidationError } from '../shared/errors.ts';
import { assertDay, type Day } from './calendar.ts';
import { byNameThenKey, minMaxNormalise, placeChange, rank } from './ranking.ts';
import { round } from './stats.ts';

/**
 * A methodology is data: a named, versioned, serialisable description of how a rating is computed. Its
 * `parameters` are stored with every rating table, so a published table can always be recomputed and
 * explained. `computeRating` is the one engine for all methodologies; the presets in `methodologies/`
 * build the methodology object and turn domain figures into rating inputs.
 */

export const indicatorSchema = z.object({
  key: z.string().regex(/^[a-z0-9_]+$/),
  title_ru: z.string().min(1),
  title_en: z.string().min(1),
  formula_ru: z.string().min(1),
  formula_en: z.string().min(1),
  direction: z.enum(['desc', 'asc']),
  weight: z.number().nonnegative(),
});

/** Parameters every methodology may set; presets add their own keys. */
export const ratingParametersSchema = z.looseObject({
  /** Tie rule for places: competition "1224" (default) or dense "1223". */
  ties: z.enum(['competition', 'dense']).default('competition'),
  /**
   * A row missing an indicator value: 'unranked' (default) leaves it out of the combined rating;
   * 'reweight' combines the indicators it has, with their weights renormalised.
   */
  missing: z.enum(['unranked', 'reweight']).default('unranked'),
});

export const methodologySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    version: z.string().min(1),
    title_ru: z.string().min(1),
    title_en: z.string().min(1),
    description_ru: z.string().min(1),
    description_en: z.string().min(1),
    scope: z.enum(['regions', 'channels', 'municipalities']),
    indicators: z.array(indicatorSchema).min(1),
    combination: z.enum(['rank_average', 'weighted_minmax', 'single']),
    parameters: z.record(z.string(), z.json()),
    unknowns_ru: z.array(z.string()),
    unknowns_en: z.array(z.string()),
  })
  .superRefine((m, ctx) => {
    const keys = m.indicators.map((i) => i.key);
    if (new Set(keys).size !== keys.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate indicator key' });
    if (m.combination === 'single' && m.indicators.length !== 1) {
      ctx.addIssue({ code: 'custom', message: "combination 'single' needs exactly one indicator" });
    }
    if (m.indicators.every((i) => i.weight === 0)) {
      ctx.addIssue({ code: 'custom', message: 'at least one indicator needs a positive weight' });
    }
  });

export type IndicatorSpec = z.infer<typeof indicatorSchema>;
export type Methodology = z.infer<typeof methodologySchema>;
export type Combination = Methodology['combination'];
export type Scope = Methodology['scope'];

/** A note attached to a row: an unconfirmed anomaly, missing data, an exclusion. */
export interface RatingFlag {
  /** 'anomaly:spike', 'missing_data', 'excluded:few_posts', … */
  code: string;
  day?: Day;
  reason_ru: string;
  reason_en: string;
}

/** One rated object (region, channel, municipality) with its indicator values. */
export interface RatingItem {
  key: string;
  name: string;
  /** A value for every indicator key of the methodology (null = missing). */
  values: Record<string, number | null>;
  /** Carried into the row as is (e.g. unconfirmed anomaly flags); the row stays in the rating. */
  flags?: RatingFlag[];
  /** When set, the row is listed but not ranked (e.g. fewer posts than the methodology requires). */
  exclusion?: RatingFlag | null;
}

export interface RatingInputs {
  asOf: Day;
  items: readonly RatingItem[];
}

export interface IndicatorCell {
  value: number | null;
  /** Place on this indicator among the rows taking part in the combined rating. */
  place: number | null;
  /** Min–max normalised value 0…1 (weighted_minmax only; null otherwise). */
  normalised: number | null;
}

export interface RatingRow {
  key: string;
  name: string;
  place: number | null;
  /** rank_average: weighted mean place (lower is better); weighted_minmax: 0…100; single: the value. */
  score: number | null;
  indicators: Record<string, IndicatorCell>;
  /** Previous place − this place (positive = moved up); null when new or unranked. */
  placeChange: number | null;
  flags: RatingFlag[];
}

export interface RatingTable {
  methodology: {
    id: string;
    version: string;
    combination: Combination;
    scope: Scope;
    parameters: Methodology['parameters'];
  };
  asOf: Day;
  /** The table place changes were computed against; null when none. */
  previous: { asOf: Day; version: string } | null;
  rows: RatingRow[];
}

/** Parses and validates a methodology object (throws ValidationError with the issues). */
export function parseMethodology(value: unknown): Methodology {
  const parsed = methodologySchema.safeParse(value);
  if (!parsed.success) throw new ValidationError('invalid methodology', parsed.error.issues);
  return parsed.data;
}

function missingFlag(spec: Methodology, missing: string[], ranked: boolean): RatingFlag {
  const titles = spec.indicators.filter((i) => missing.includes(i.key));
  return {
    code: 'missing_data',
    reason_ru: `Нет данных: ${titles.map((t) => t.title_ru).join('; ')}${ranked ? '' : ' — не участвует в рейтинге'}`,
    reason_en: `No data: ${titles.map((t) => t.title_en).join('; ')}${ranked ? '' : ' — not ranked'}`,
  };
}

/**
 * Computes a rating table.
 * 1. Rows with an `exclusion` are listed unranked. Other rows take part when they have every indicator
 *    value (or, with `missing: 'reweight'`, at least one).
 * 2. Each indicator is ranked among the participating rows (direction per indicator, tie rule from
 *    `parameters.ties`).
 * 3. Combination: `single` — score = the value; `rank_average` — score = Σ wᵢ·placeᵢ / Σ wᵢ, lower is
 *    better; `weighted_minmax` — score = 100 × Σ wᵢ·normᵢ / Σ wᵢ with normᵢ the min–max normalised value
 *    (1 = best), higher is better. Scores are rounded to 6 decimals; equal scores share the place.
 * 4. placeChange = previous place − place against `previous` (same methodology id).
 * Deterministic: the same inputs give the same JSON (rows in place order, ties by name then key).
 */
export function computeRating(
  methodology: Methodology,
  inputs: RatingInputs,
  previous?: RatingTable | null,
): RatingTable {
  const spec = parseMethodology(methodology);
  const asOf = assertDay(inputs.asOf, 'asOf');
  const params = ratingParametersSchema.parse(spec.parameters);
  const keys = spec.indicators.map((i) => i.key);

  const seen = new Set<string>();
  for (const item of inputs.items) {
    if (seen.has(item.key)) throw new ValidationError(`duplicate rating item key "${item.key}"`);
    seen.add(item.key);
    const absent = keys.filter((k) => !(k in item.values));
    if (absent.length > 0) {
      throw new ValidationError(`rating item "${item.key}" lacks indicator values`, { missing: absent });
    }
  }
  if (previous && previous.methodology.id !== spec.id) {
    throw new ValidationError('previous table was computed with another methodology', {
      expected: spec.id,
      got: previous.methodology.id,
    });
  }

  const usable = (v: number | null | undefined): v is number =>
    v !== null && v !== undefined && Number.isFinite(v);
  const participates = inputs.items.map((item) => {
    if (item.exclusion) return false;
    const present = keys.filter((k) => usable(item.values[k]));
    return params.missing === 'reweight' ? present.length > 0 : present.length === keys.length;
  });
  const active = inputs.items.filter((_, i) => participates[i]);

  // Per-indicator places and normalised values among participating rows.
  const cellPlace = new Map<string, Map<string, number | null>>();
  const cellNorm = new Map<string, Map<string, number | null>>();
  for (const ind of spec.indicators) {
    const values = active.map((item) => ({
      key: item.key,
      name: item.name,
      value: item.values[ind.key] ?? null,
    }));
    const ranked = rank(values, { direction: ind.direction, ties: params.ties });
    cellPlace.set(ind.key, new Map(ranked.map((r) => [r.key, r.place])));
    const norm = minMaxNormalise(
      values.map((v) => v.value),
      ind.direction,
    );
    cellNorm.set(ind.key, new Map(values.map((v, i) => [v.key, norm[i] ?? null])));
  }

  const scoreOf = (item: RatingItem): number | null => {
    if (spec.combination === 'single') {
      const v = item.values[keys[0] ?? ''];
      return usable(v) ? v : null;
    }
    let weighted = 0;
    let weights = 0;
    for (const ind of spec.indicators) {
      const part =
        spec.combination === 'rank_average'
          ? cellPlace.get(ind.key)?.get(item.key)
          : cellNorm.get(ind.key)?.get(item.key);
      if (!usable(part) || ind.weight === 0) continue;
      weighted += ind.weight * part;
      weights += ind.weight;
    }
    if (weights === 0) return null;
    return spec.combination === 'rank_average' ? weighted / weights : (100 * weighted) / weights;
  };

  const scored = active.map((item) => ({ key: item.key, name: item.name, value: round(scoreOf(item), 6) }));
  // Mean places: lower is better; normalised scores: higher is better; a single value: its own direction.
  const direction =
    spec.combination === 'rank_average'
      ? 'asc'
      : spec.combination === 'weighted_minmax'
        ? 'desc'
        : (spec.indicators[0]?.direction ?? 'desc');
  const finalRank = rank(scored, { direction, ties: params.ties });
  const byKey = new Map(inputs.items.map((item) => [item.key, item]));
  const prevPlace = new Map((previous?.rows ?? []).map((r) => [r.key, r.place]));

  const toRow = (item: RatingItem, place: number | null, score: number | null): RatingRow => {
    const indicators: Record<string, IndicatorCell> = {};
    for (const ind of spec.indicators) {
      indicators[ind.key] = {
        value: item.values[ind.key] ?? null,
        place: cellPlace.get(ind.key)?.get(item.key) ?? null,
        normalised:
          spec.combination === 'weighted_minmax' ? (cellNorm.get(ind.key)?.get(item.key) ?? null) : null,
      };
    }
    const flags = [...(item.flags ?? [])];
    const missing = keys.filter((k) => !usable(item.values[k]));
    if (item.exclusion) flags.push(item.exclusion);
    else if (missing.length > 0) flags.push(missingFlag(spec, missing, place !== null));
    return {
      key: item.key,
      name: item.name,
      place,
      score,
      indicators,
      placeChange: placeChange(place, prevPlace.get(item.key)),
      flags,
    };
  };

  const rows: RatingRow[] = [];
  for (const r of finalRank) {
    const item = byKey.get(r.key);
    if (item && r.place !== null) rows.push(toRow(item, r.place, r.value));
  }
  const placed = new Set(rows.map((r) => r.key));
  const outside = inputs.items.filter((item) => !placed.has(item.key)).sort(byNameThenKey);
  for (const item of outside) rows.push(toRow(item, null, null));

  return {
    methodology: {
      id: spec.id,
      version: spec.version,
      combination: spec.combination,
      scope: spec.scope,
      parameters: spec.parameters,
    },
    asOf,
    previous: previous ? { asOf: previous.asOf, version: previous.methodology.version } : null,
    rows,
  };
}
