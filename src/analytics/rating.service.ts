import type { Kysely } from 'kysely';
import { ValidationError } from '../shared/errors.ts';
import type { DB } from '../store/schema.ts';
import { addDays, addMonths, type Day, diffDays, isDay, moscowDay, weekStart } from './calendar.ts';
import { observationValues, readModelValues, type ValueSource } from './daily-values.repository.ts';
import { DIALOG_2025_ID } from './methodologies/dialog-2025.ts';
import { presetMethodology } from './methodologies/index.ts';
import { NETWORK_ID } from './methodologies/network.ts';
import { PLACES_AVERAGE_ID } from './methodologies/places-average.ts';
import { VIEWS_PER_POST_ID } from './methodologies/views-per-post.ts';
import { computeRating as computeTable, type Methodology, type RatingTable } from './methodology.ts';
import { insertPublishedRating, type PublishedRating } from './published-rating.repository.ts';
import { latestDataDay } from './rating-inputs.repository.ts';
import { buildRatingInputs } from './rating-inputs.service.ts';
import { parseScopeKey, type RatingScope, ratingScope, scopeKey } from './rating-scope.ts';

/**
 * Ratings from the daily read model under a preset methodology, for a date (or a calendar period) and a
 * scope: the inputs are read for the date (channel values at the end of that Moscow day, population valid
 * at that date, confirmed anomalies removed), the pure engine `computeRating` (methodology.ts) does the rest;
 * place changes are against the same methodology at the previous date (default 7 days earlier; for a
 * period, the end of the previous period). Published ratings are stored once and never change; `verify`
 * recomputes one from the raw observations as of its stored as-of.
 */

export const SUPPORTED_METHODOLOGIES = [
  DIALOG_2025_ID,
  NETWORK_ID,
  PLACES_AVERAGE_ID,
  VIEWS_PER_POST_ID,
] as const;

export interface RatingRequest {
  methodology: string;
  /** When given, must be the preset's current version (older versions cannot be recomputed). */
  version?: string;
  parameters?: unknown;
  /** Default: the latest day with data, not after yesterday (Moscow). */
  date?: Day;
  /** Instead of a date: a month 'YYYY-MM' or an ISO week 'YYYY-Www' (rated at its last day with data). */
  period?: string;
  scope?: Partial<RatingScope> | RatingScope;
  /** Days back for the place change (default 7, or the period's length; 0 = none). */
  previousDays?: number;
}

export interface RatingPeriod {
  key: string;
  kind: 'week' | 'month';
  from: Day;
  to: Day;
}

export interface RatingResult extends RatingTable {
  /** What is ranked, with its canonical key (as stored with published ratings). */
  scope: RatingScope & { key: string };
  period: RatingPeriod | null;
  /** Latest observation time among the inputs (ISO), for "as of". */
  inputsObservedUntil: string | null;
}

/** The latest day with data, not after yesterday (Moscow). */
export async function defaultRatingDate(db: Kysely<DB>, now = Date.now()): Promise<Day> {
  const yesterday = addDays(moscowDay(now), -1);
  return (await latestDataDay(db, yesterday)) ?? yesterday;
}

/** 'YYYY-MM' or 'YYYY-Www' → its first and last day. */
export function parsePeriod(period: string): RatingPeriod {
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  if (month && isDay(`${period}-01`)) {
    const from = `${period}-01`;
    return { key: period, kind: 'month', from, to: addDays(addMonths(from, 1), -1) };
  }
  const week = /^(\d{4})-W(\d{2})$/.exec(period);
  if (week) {
    const n = Number(week[2]);
    // ISO week 1 contains 4 January.
    const from = addDays(weekStart(`${week[1]}-01-04`), (n - 1) * 7);
    if (n >= 1 && n <= 53 && addDays(from, 3).slice(0, 4) === week[1]) {
      return { key: period, kind: 'week', from, to: addDays(from, 6) };
    }
  }
  throw new ValidationError(`period: expected a month YYYY-MM or an ISO week YYYY-Www, got "${period}"`);
}

/** The preset with its parameters, its scope parameter set from the requested scope where it has one. */
export function ratingMethodology(
  id: string,
  parameters: unknown,
  scope: RatingScope,
  version?: string,
): Methodology {
  if (!(SUPPORTED_METHODOLOGIES as readonly string[]).includes(id)) {
    throw new ValidationError(`unknown methodology "${id}"`, { supported: SUPPORTED_METHODOLOGIES });
  }
  const params = parameters && typeof parameters === 'object' ? { ...(parameters as object) } : {};
  const scoped = id === PLACES_AVERAGE_ID || id === VIEWS_PER_POST_ID;
  if (scoped && !('scope' in params)) Object.assign(params, { scope: scope.kind });
  const methodology = presetMethodology(id, params);
  if (version !== undefined && version !== methodology.version) {
    throw new ValidationError(
      `methodology ${id}: version ${version} cannot be computed (current: ${methodology.version})`,
    );
  }
  if (methodology.scope !== scope.kind) {
    throw new ValidationError(
      `methodology ${id} rates ${methodology.scope}, not ${scope.kind}` +
        (scoped ? '' : ' (use places-average or views-per-post for channels and municipalities)'),
      { methodology: id, scope: scope.kind },
    );
  }
  return methodology;
}

interface Resolved {
  methodology: Methodology;
  scope: RatingScope;
  date: Day;
  previous: Day | null;
  period: RatingPeriod | null;
}

async function resolve(db: Kysely<DB>, request: RatingRequest): Promise<Resolved> {
  const scope = ratingScope(request.scope ?? {});
  const methodology = ratingMethodology(request.methodology, request.parameters, scope, request.version);
  if (request.period && request.date) throw new ValidationError('give either date or period, not both');
  if (request.period) {
    const period = parsePeriod(request.period);
    const latest = await defaultRatingDate(db);
    const date = [period.to, latest].sort()[0]!;
    if (date < period.from)
      throw new ValidationError(`period ${period.key} has no data yet (latest day ${latest})`);
    const previous =
      request.previousDays !== undefined
        ? request.previousDays > 0
          ? addDays(date, -request.previousDays)
          : null
        : addDays(period.from, -1);
    return { methodology, scope, date, previous, period };
  }
  if (request.date !== undefined && !isDay(request.date)) {
    throw new ValidationError(`date: expected YYYY-MM-DD, got "${request.date}"`);
  }
  const date = request.date ?? (await defaultRatingDate(db));
  const days = request.previousDays ?? 7;
  return { methodology, scope, date, previous: days > 0 ? addDays(date, -days) : null, period: null };
}

async function computeWith(db: Kysely<DB>, source: ValueSource, r: Resolved): Promise<RatingResult> {
  const previous = r.previous
    ? await buildRatingInputs(db, source, r.methodology, r.scope, r.previous)
    : null;
  const current = await buildRatingInputs(db, source, r.methodology, r.scope, r.date);
  const previousTable = previous ? computeTable(r.methodology, previous.inputs) : null;
  const table = computeTable(r.methodology, current.inputs, previousTable);
  const times = [current.observedUntil, previous?.observedUntil ?? null].filter(
    (t): t is number => t !== null,
  );
  return {
    ...table,
    scope: { ...r.scope, key: scopeKey(r.scope) },
    period: r.period,
    inputsObservedUntil: times.length === 0 ? null : new Date(Math.max(...times)).toISOString(),
  };
}

/**
 * Computes a rating (not stored): `computeRating(db, {methodology: 'dialog-2025', date: '2025-12-01'})`,
 * `computeRating(db, {methodology: 'places-average', scope: {kind: 'channels', category: 'school'}})`.
 */
export async function computeRating(db: Kysely<DB>, request: RatingRequest): Promise<RatingResult> {
  return computeWith(db, readModelValues(db), await resolve(db, request));
}

/** The same as `computeRating` (the name the first callers used). */
export const computeRegionRating = computeRating;

/** Computes and stores a rating; the stored table never changes afterwards (the database refuses). */
export async function publishRating(
  db: Kysely<DB>,
  request: RatingRequest & { title?: string | null; createdBy?: string | null },
): Promise<PublishedRating> {
  const resolved = await resolve(db, request);
  const table = await computeWith(db, readModelValues(db), resolved);
  return insertPublishedRating(db, {
    methodology_id: table.methodology.id,
    methodology_version: table.methodology.version,
    parameters: JSON.stringify(resolved.methodology.parameters),
    scope: table.scope.key,
    rating_date: table.asOf,
    inputs_observed_until: table.inputsObservedUntil,
    table_json: JSON.stringify(table),
    title: request.title ?? null,
    created_at: new Date().toISOString(),
    created_by: request.createdBy ?? null,
  });
}

export const publishRegionRating = publishRating;

export interface VerifyDifference {
  key: string;
  field: string;
  published: unknown;
  recomputed: unknown;
}

export interface VerifyResult {
  identical: boolean;
  /** The recomputation's inputs as-of (observations up to the stored as-of). */
  inputsObservedUntil: string | null;
  differences: VerifyDifference[];
}

/**
 * Recomputes a published rating independently of the read model: channel values are taken from the raw
 * observations observed no later than the stored inputs as-of, with the stored methodology, version,
 * parameters, scope, date and previous date; then compares the tables row by row (place, score, indicator
 * values and places, place change) and the as-of itself. Posts and page profiles are read as they are now
 * (they have no history).
 */
export async function verifyPublishedRating(
  db: Kysely<DB>,
  published: PublishedRating,
): Promise<VerifyResult> {
  const stored = JSON.parse(published.table_json) as RatingResult;
  const differences: VerifyDifference[] = [];
  const current = presetMethodology(published.methodology_id).version;
  if (current !== published.methodology_version) {
    differences.push({
      key: '*',
      field: 'methodology_version',
      published: published.methodology_version,
      recomputed: current,
    });
    return { identical: false, inputsObservedUntil: null, differences };
  }
  const scope = parseScopeKey(published.scope);
  const methodology = ratingMethodology(published.methodology_id, JSON.parse(published.parameters), scope);
  const cut = published.inputs_observed_until === null ? null : Date.parse(published.inputs_observed_until);
  const again = await computeWith(db, observationValues(db, cut), {
    methodology,
    scope,
    date: published.rating_date,
    previous: stored.previous?.asOf ?? null,
    period: stored.period ?? null,
  });
  if (again.inputsObservedUntil !== stored.inputsObservedUntil) {
    differences.push({
      key: '*',
      field: 'inputsObservedUntil',
      published: stored.inputsObservedUntil,
      recomputed: again.inputsObservedUntil,
    });
  }
  const byKey = new Map(again.rows.map((r) => [r.key, r]));
  for (const row of stored.rows) {
    const other = byKey.get(row.key);
    byKey.delete(row.key);
    if (!other) {
      differences.push({ key: row.key, field: 'row', published: row, recomputed: null });
      continue;
    }
    for (const field of ['place', 'score', 'indicators', 'placeChange'] as const) {
      if (JSON.stringify(row[field]) !== JSON.stringify(other[field])) {
        differences.push({ key: row.key, field, published: row[field], recomputed: other[field] });
      }
    }
  }
  for (const [key, row] of byKey) differences.push({ key, field: 'row', published: null, recomputed: row });
  return { identical: differences.length === 0, inputsObservedUntil: again.inputsObservedUntil, differences };
}

/** Days between a published table and the one its place changes were computed against (0 = none). */
export function previousDaysOf(table: RatingTable): number {
  return table.previous ? diffDays(table.previous.asOf, table.asOf) : 0;
}
