import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../store/schema.ts';
import {
  addDays,
  type Day,
  dayFromNumber,
  dayNumber,
  moscowDay,
  moscowDayEnd,
  moscowDayStart,
} from './calendar.ts';
import type { DailyPoint } from './metrics.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Where ratings read channel values from. The value of a channel at the end of a Moscow day D is its last
 * observation before the end of D, provided it is not older than `STALE_DAYS` days before D (otherwise the
 * value is unknown). Two sources give the same answer by two roads:
 * - `readModelValues` — the daily read model (`channel_daily`): the row at D, or the latest row within
 *   STALE_DAYS before D; this is what live and published ratings use;
 * - `observationValues` — the raw `observations` table, cut at an instant (a published rating's inputs
 *   as-of): the independent recomputation behind `GET /api/ratings/:id/verify`.
 */

export const STALE_DAYS = 14;

export interface DayValue {
  subscribers: number;
  /** When the value was observed (epoch ms). */
  observedAt: number;
}

export interface ValueSource {
  readonly kind: 'read_model' | 'observations';
  /** channel id → value at the end of `day` (absent when unknown). */
  valuesAt(channelIds: readonly number[], day: Day): Promise<Map<number, DayValue>>;
  /** Daily end-of-day series from `from` to `to` (days before the first observation are absent). */
  series(channelIds: readonly number[], from: Day, to: Day): Promise<Map<number, DailyPoint[]>>;
}

/** Oldest instant a value at the end of `day` may have been observed at. */
export function oldestUsable(day: Day): number {
  return moscowDayStart(addDays(day, -STALE_DAYS));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** From this many channels one query reads the whole day instead of id lists (memory: rows of the day). */
const WHOLE_DAY_FROM = 50_000;

export function readModelValues(db: Db): ValueSource {
  return {
    kind: 'read_model',
    async valuesAt(channelIds, day) {
      const result = new Map<number, DayValue>();
      if (channelIds.length === 0) return result;
      const oldest = oldestUsable(day);
      const wanted = new Set(channelIds);
      const take = (rows: { channel_id: number; subscribers: number; observed_at: number }[]) => {
        for (const r of rows) {
          if (wanted.has(r.channel_id) && r.observed_at >= oldest) {
            result.set(r.channel_id, { subscribers: r.subscribers, observedAt: r.observed_at });
          }
        }
      };
      const atDay = db
        .selectFrom('channel_daily')
        .select(['channel_id', 'subscribers', 'observed_at'])
        .where('day', '=', day);
      if (channelIds.length >= WHOLE_DAY_FROM) take(await atDay.execute());
      else
        for (const ids of chunks(channelIds, 1000))
          take(await atDay.where('channel_id', 'in', ids).execute());
      // No row at D: the channel was not observed since; its latest row within STALE_DAYS still holds.
      const missing = channelIds.filter((id) => !result.has(id));
      const from = addDays(day, -STALE_DAYS);
      for (const ids of chunks(missing, 500)) {
        const rows = await db
          .selectFrom('channel_daily')
          .select(['channel_id', 'day', 'subscribers', 'observed_at'])
          .where('channel_id', 'in', ids)
          .where('day', '>=', from)
          .where('day', '<', day)
          .orderBy('channel_id')
          .orderBy('day')
          .execute();
        take(rows);
      }
      return result;
    },
    async series(channelIds, from, to) {
      const result = new Map<number, DailyPoint[]>();
      for (const ids of chunks([...new Set(channelIds)], 500)) {
        const rows = await db
          .selectFrom('channel_daily')
          .select(['channel_id', 'day', 'subscribers', 'carried'])
          .where('channel_id', 'in', ids)
          .where('day', '>=', from)
          .where('day', '<=', to)
          .orderBy('channel_id')
          .orderBy('day')
          .execute();
        for (const r of rows) {
          const list = result.get(r.channel_id) ?? [];
          list.push({ day: r.day, subscribers: r.subscribers, carried: r.carried === 1 });
          result.set(r.channel_id, list);
        }
      }
      return result;
    },
  };
}

/**
 * The same values computed from the raw observations observed no later than `cut` (epoch ms; null = no
 * observation at all). Ties at one instant are broken by the larger count.
 */
export function observationValues(db: Db, cut: number | null): ValueSource {
  const limit = cut ?? Number.NEGATIVE_INFINITY;
  return {
    kind: 'observations',
    async valuesAt(channelIds, day) {
      const result = new Map<number, DayValue>();
      const hi = Math.min(moscowDayEnd(day) - 1, limit);
      const lo = oldestUsable(day);
      if (channelIds.length === 0 || hi < lo) return result;
      for (const ids of chunks(channelIds, 500)) {
        const rows = await db
          .selectFrom('channels as c')
          .where('c.id', 'in', ids)
          .select((eb) => {
            const last = () =>
              eb
                .selectFrom('observations as o')
                .whereRef('o.channel_id', '=', 'c.id')
                .where('o.observed_at', '>=', lo)
                .where('o.observed_at', '<=', hi)
                .orderBy('o.observed_at', 'desc')
                .orderBy('o.subscribers', 'desc')
                .limit(1);
            return [
              'c.id',
              last().select('o.observed_at').as('observed_at'),
              last().select('o.subscribers').as('subscribers'),
            ];
          })
          .execute();
        for (const r of rows) {
          if (r.observed_at === null || r.subscribers === null) continue;
          result.set(r.id, { subscribers: Number(r.subscribers), observedAt: Number(r.observed_at) });
        }
      }
      return result;
    },
    async series(channelIds, from, to) {
      const result = new Map<number, DailyPoint[]>();
      const lo = oldestUsable(from);
      const hi = Math.min(moscowDayEnd(to) - 1, limit);
      if (hi < lo) return result;
      for (const ids of chunks([...new Set(channelIds)], 200)) {
        const rows = await db
          .selectFrom('observations')
          .select(['channel_id', 'observed_at', 'subscribers'])
          .where('channel_id', 'in', ids)
          .where('observed_at', '>=', lo)
          .where('observed_at', '<=', hi)
          .orderBy('channel_id')
          .orderBy('observed_at')
          .orderBy('subscribers')
          .execute();
        const byChannel = new Map<number, Map<number, number>>();
        for (const r of rows) {
          const days = byChannel.get(r.channel_id) ?? new Map<number, number>();
          days.set(dayNumber(moscowDay(r.observed_at)), r.subscribers);
          byChannel.set(r.channel_id, days);
        }
        for (const [id, days] of byChannel) {
          const numbers = [...days.keys()];
          const first = Math.min(...numbers);
          const last = Math.max(...numbers);
          const points: DailyPoint[] = [];
          let carry: number | undefined;
          for (let n = first; n <= last; n++) {
            const real = days.get(n);
            if (real !== undefined) carry = real;
            const day = dayFromNumber(n);
            if (day >= from && day <= to && carry !== undefined) {
              points.push({ day, subscribers: carry, carried: real === undefined });
            }
          }
          result.set(id, points);
        }
      }
      return result;
    },
  };
}
