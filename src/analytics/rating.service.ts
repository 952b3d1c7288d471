import type { Kysely } from 'kysely';
import { regionsWithPopulationAt } from '../register/region.repository.ts';
import { ValidationError } from '../shared/errors.ts';
import type { DB } from '../store/schema.ts';
import { addDays, type Day, moscowDay } from './calendar.ts';
import { DIALOG_2025_ID, dialog2025Inputs } from './methodologies/dialog-2025.ts';
import { presetMethodology } from './methodologies/index.ts';
import { NETWORK_ID, networkInputs, networkParametersSchema } from './methodologies/network.ts';
import { computeRating, type Methodology, type RatingInputs, type RatingTable } from './methodology.ts';
import { activeChannels, latestDataDay, regionChannelFacts, valuesAt } from './rating-inputs.repository.ts';
import { regionMetrics } from './region-metrics.ts';

/**
 * Ratings of regions from the daily read model, under a named preset methodology: inputs are read for the
 * date (population valid at that date, channel values at the end of that Moscow day), the pure
 * `computeRating` does the rest; place changes are against the same methodology `previousDays` earlier.
 */

export const SUPPORTED_METHODOLOGIES = [DIALOG_2025_ID, NETWORK_ID] as const;

export interface RatingRequest {
  methodology: string;
  parameters?: unknown;
  /** Default: the latest day with data, not after yesterday (Moscow). */
  date?: Day;
  /** Days back for the place change (default 7; 0 = none). */
  previousDays?: number;
}

export interface RatingResult extends RatingTable {
  /** Latest observation time among the inputs (ISO), for "as of". */
  inputsObservedUntil: string | null;
}

async function inputsFor(db: Kysely<DB>, methodology: Methodology, date: Day): Promise<RatingInputs> {
  const regions = await regionsWithPopulationAt(db, date);
  if (methodology.id === DIALOG_2025_ID) {
    const government = await activeChannels(db, { category: 'regional_government' });
    const values = await valuesAt(
      db,
      government.map((c) => c.id),
      date,
    );
    return dialog2025Inputs(
      methodology,
      date,
      regions.map((r) => ({
        code: r.code,
        name: r.name_ru,
        population: r.population,
        channels: government
          .filter((c) => c.region_code === r.code)
          .map((c) => ({ id: String(c.id), subscribers: values.get(c.id) ?? null })),
      })),
    );
  }
  if (methodology.id === NETWORK_ID) {
    const p = networkParametersSchema.parse(methodology.parameters);
    const periodStart = addDays(date, -p.growthDays);
    const facts = await regionChannelFacts(db, date, periodStart);
    const metrics = regions.map((r) =>
      regionMetrics(
        { code: r.code, name: r.name_ru, population: r.population, channels: facts.get(r.code) ?? [] },
        { asOf: date, periodStart, activeThreshold: p.activeThreshold },
      ),
    );
    return networkInputs(methodology, date, metrics);
  }
  throw new ValidationError(`methodology "${methodology.id}" cannot be computed from the register yet`, {
    supported: SUPPORTED_METHODOLOGIES,
  });
}

export async function defaultRatingDate(db: Kysely<DB>, now = Date.now()): Promise<Day> {
  const yesterday = addDays(moscowDay(now), -1);
  return (await latestDataDay(db, yesterday)) ?? yesterday;
}

/** Computes a rating of regions for a date (not stored). */
export async function computeRegionRating(db: Kysely<DB>, request: RatingRequest): Promise<RatingResult> {
  const methodology = presetMethodology(request.methodology, request.parameters ?? {});
  const date = request.date ?? (await defaultRatingDate(db));
  const previousDays = request.previousDays ?? 7;
  const previous =
    previousDays > 0
      ? computeRating(methodology, await inputsFor(db, methodology, addDays(date, -previousDays)))
      : null;
  const table = computeRating(methodology, await inputsFor(db, methodology, date), previous);
  const until = await db
    .selectFrom('channel_daily')
    .select((eb) => eb.fn.max('observed_at').as('t'))
    .where('day', '<=', date)
    .executeTakeFirst();
  const t = until?.t === null || until?.t === undefined ? null : Number(until.t);
  return { ...table, inputsObservedUntil: t === null ? null : new Date(t).toISOString() };
}
