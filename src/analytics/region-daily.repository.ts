import { type Kysely, sql, type Transaction } from 'kysely';
import { insertRows } from '../store/bulk-insert.ts';
import type { DB } from '../store/schema.ts';
import { dayFromNumber } from './calendar.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * The region × category × day aggregate of `channel_daily` (`region_daily`), kept by adding the differences
 * of every `channel_daily` change. Besides channels and Σ subscribers it keeps what the value of a channel at
 * a day needs by the 14-day rule (daily-values.repository.ts): the rows usable at their day (`fresh`), the
 * channels whose series ends on a day (`ending`: after its last row a channel keeps its value for 14 days) and
 * the latest observation (`max_observed_at`, for a rating's inputs as-of).
 */

export interface RegionDelta {
  region_code: string;
  category: string;
  day: string;
  channels: number;
  subscribers: number;
  fresh: number;
  fresh_subscribers: number;
  ending: number;
  ending_subscribers: number;
  max_observed_at: number | null;
}

/** Start (epoch ms) of day number n − 14 in Moscow: a row of day n is usable when observed at or after it. */
export function freshFrom(dayNumber: number): number {
  return (dayNumber - 14) * 86_400_000 - 3 * 3_600_000;
}

/** Adds up the differences per region, category and day before they are written. */
export class RegionDeltas {
  private readonly deltas = new Map<string, RegionDelta>();

  cell(region: string, category: string, dayNumber: number): RegionDelta {
    const key = `${region}|${category}|${dayNumber}`;
    let d = this.deltas.get(key);
    if (!d) {
      d = {
        region_code: region,
        category,
        day: dayFromNumber(dayNumber),
        channels: 0,
        subscribers: 0,
        fresh: 0,
        fresh_subscribers: 0,
        ending: 0,
        ending_subscribers: 0,
        max_observed_at: null,
      };
      this.deltas.set(key, d);
    }
    return d;
  }

  /** A daily row replaced (`before` absent: added) by `after`. */
  row(
    region: string,
    category: string,
    dayNumber: number,
    before: { subscribers: number; observed_at: number } | undefined,
    after: { subscribers: number; observed_at: number },
  ): void {
    const d = this.cell(region, category, dayNumber);
    const from = freshFrom(dayNumber);
    const freshBefore = before && before.observed_at >= from ? 1 : 0;
    const freshAfter = after.observed_at >= from ? 1 : 0;
    d.channels += before ? 0 : 1;
    d.subscribers += after.subscribers - (before?.subscribers ?? 0);
    d.fresh += freshAfter - freshBefore;
    d.fresh_subscribers += freshAfter * after.subscribers - freshBefore * (before?.subscribers ?? 0);
    if (d.max_observed_at === null || after.observed_at > d.max_observed_at)
      d.max_observed_at = after.observed_at;
  }

  /** A channel's series now ends on another day or with another value there. */
  ending(region: string, category: string, dayNumber: number, sign: 1 | -1, subscribers: number): void {
    const d = this.cell(region, category, dayNumber);
    d.ending += sign;
    d.ending_subscribers += sign * subscribers;
  }

  values(): RegionDelta[] {
    return [...this.deltas.values()].filter(
      (d) =>
        d.channels !== 0 ||
        d.subscribers !== 0 ||
        d.fresh !== 0 ||
        d.fresh_subscribers !== 0 ||
        d.ending !== 0 ||
        d.ending_subscribers !== 0 ||
        d.max_observed_at !== null,
    );
  }
}

/** Writes the differences (multi-row upserts). */
export async function applyRegionDeltas(db: Db, deltas: readonly RegionDelta[]): Promise<void> {
  await insertRows(db, 'region_daily', deltas, (chunk) =>
    db
      .insertInto('region_daily')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['region_code', 'category', 'day']).doUpdateSet({
          channels: sql`region_daily.channels + excluded.channels`,
          subscribers: sql`region_daily.subscribers + excluded.subscribers`,
          fresh: sql`region_daily.fresh + excluded.fresh`,
          fresh_subscribers: sql`region_daily.fresh_subscribers + excluded.fresh_subscribers`,
          ending: sql`region_daily.ending + excluded.ending`,
          ending_subscribers: sql`region_daily.ending_subscribers + excluded.ending_subscribers`,
          max_observed_at: sql`case when region_daily.max_observed_at is null
            or excluded.max_observed_at > region_daily.max_observed_at
            then excluded.max_observed_at else region_daily.max_observed_at end`,
        }),
      ),
  );
}
