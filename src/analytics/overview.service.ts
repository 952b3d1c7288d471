import type { Kysely } from 'kysely';
import { CATEGORIES, labelOf } from '../register/categories.ts';
import { findChannel } from '../register/channel.repository.ts';
import { findRegion } from '../register/region.repository.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import type { DB } from '../store/schema.ts';
import { addDays, type Day, isDay } from './calendar.ts';
import { type Forecast, forecast } from './forecast.ts';
import { changeBetween } from './metrics.ts';
import { defaultRatingDate } from './rating.service.ts';
import { latestObservationAt } from './region-aggregates.repository.ts';
import { categoryTotalsAt, channelLastDay, dailyTotals, topMovers } from './series.repository.ts';
import { TtlCache } from './ttl-cache.ts';

/**
 * The country at a glance: official channels and their subscribers at the latest complete day, growth over
 * 7/30/90 days, the daily series with a forecast, the split by category and the channels that moved most;
 * and forecasts of a region's or a channel's series. Everything is read from the daily read model.
 */

export const GROWTH_PERIODS = [7, 30, 90] as const;
/** Days of history a forecast is fitted on. */
export const FORECAST_HISTORY_DAYS = 365;
/** Forecasts kept five minutes, per database handle (the key holds the history's length and last value). */
const forecastCaches = new WeakMap<Kysely<DB>, TtlCache<ForecastResult>>();

export interface ForecastRequest {
  target: 'channels' | 'subscribers';
  region?: string | null;
  channel?: number | null;
  /** Days ahead (1…730, default 90). */
  days?: number;
  /** Last day of the history (default: the latest complete day). */
  asOf?: Day;
}

export interface ForecastResult {
  target: 'channels' | 'subscribers';
  region: string | null;
  channel: number | null;
  asOf: Day;
  history: { day: Day; value: number }[];
  /** Null when the history has no value at all. */
  forecast: Forecast | null;
}

async function historyOf(
  db: Kysely<DB>,
  r: ForecastRequest,
  asOf: Day,
): Promise<{ day: Day; value: number }[]> {
  const from = addDays(asOf, 1 - FORECAST_HISTORY_DAYS);
  if (r.channel) {
    const rows = await db
      .selectFrom('channel_daily')
      .select(['day', 'subscribers'])
      .where('channel_id', '=', r.channel)
      .where('day', '>=', from)
      .where('day', '<=', asOf)
      .orderBy('day')
      .execute();
    return rows.map((row) => ({ day: row.day, value: row.subscribers }));
  }
  const totals = await dailyTotals(db, { from, to: asOf, region: r.region ?? null });
  return totals.map((t) => ({ day: t.day, value: r.target === 'channels' ? t.channels : t.subscribers }));
}

/**
 * Forecast of the number of channels or of subscribers, country-wide, for a region or for one channel.
 * `history` may be given when the caller has already read it (the overview).
 */
export async function forecastOf(
  db: Kysely<DB>,
  r: ForecastRequest,
  preloaded?: { day: Day; value: number }[],
): Promise<ForecastResult> {
  const days = r.days ?? 90;
  if (r.channel && r.target !== 'subscribers')
    throw new ValidationError('a channel has only a subscribers forecast');
  if (r.channel && r.region) throw new ValidationError('give a region or a channel, not both');
  if (r.region && !(await findRegion(db, r.region)))
    throw new NotFoundError(`Регион ${r.region} не найден / region not found`);
  if (r.channel && !(await findChannel(db, r.channel))) {
    throw new NotFoundError(`Канал ${r.channel} не найден / channel ${r.channel} not found`);
  }
  const asOf =
    r.asOf && isDay(r.asOf)
      ? r.asOf
      : r.channel
        ? ((await channelLastDay(db, r.channel)) ?? (await defaultRatingDate(db)))
        : await defaultRatingDate(db);
  const history = preloaded ?? (await historyOf(db, r, asOf));
  const last = history.at(-1);
  const key = [r.target, r.region ?? '', r.channel ?? '', days, asOf, history.length, last?.value ?? ''].join(
    '|',
  );
  let cache = forecastCaches.get(db);
  if (!cache) {
    cache = new TtlCache<ForecastResult>(5 * 60_000, 200);
    forecastCaches.set(db, cache);
  }
  return cache.get(key, async () => ({
    target: r.target,
    region: r.region ?? null,
    channel: r.channel ?? null,
    asOf,
    history,
    forecast: history.length === 0 ? null : forecast(history, { horizon: days }),
  }));
}

/** Overviews kept a minute per database handle (the top movers read every channel's week). */
const overviewCaches = new WeakMap<Kysely<DB>, TtlCache<Overview>>();
const overviewCacheRefs = new Set<WeakRef<TtlCache<Overview>>>();

/** Forgets cached overviews (after imports and flag reviews). */
export function clearOverviewCache(): void {
  for (const ref of overviewCacheRefs) {
    const cache = ref.deref();
    if (cache) cache.clear();
    else overviewCacheRefs.delete(ref);
  }
}

export async function overview(
  db: Kysely<DB>,
  options: { date?: Day; forecastDays?: number; historyDays?: number } = {},
): Promise<Overview> {
  const asOf = options.date && isDay(options.date) ? options.date : await defaultRatingDate(db);
  let cache = overviewCaches.get(db);
  if (!cache) {
    cache = new TtlCache<Overview>(60_000, 20);
    overviewCaches.set(db, cache);
    overviewCacheRefs.add(new WeakRef(cache));
  }
  const key = [asOf, options.forecastDays ?? 90, options.historyDays ?? 180].join('|');
  return cache.get(key, () => computeOverview(db, { ...options, date: asOf }));
}

async function computeOverview(
  db: Kysely<DB>,
  options: { date?: Day; forecastDays?: number; historyDays?: number } = {},
) {
  const asOf = options.date && isDay(options.date) ? options.date : await defaultRatingDate(db);
  const historyDays = options.historyDays ?? 180;
  // One read of the country totals serves the growth figures, the chart and both forecasts.
  const series = await dailyTotals(db, {
    from: addDays(asOf, 1 - Math.max(historyDays, FORECAST_HISTORY_DAYS, 91)),
    to: asOf,
  });
  const byDay = new Map(series.map((t) => [t.day, t]));
  const now = byDay.get(asOf) ?? null;
  const growth = GROWTH_PERIODS.map((days) => {
    const from = addDays(asOf, -days);
    const start = byDay.get(from) ?? null;
    return {
      days,
      from,
      to: asOf,
      channels: changeBetween(from, asOf, start?.channels ?? null, now?.channels ?? null),
      subscribers: changeBetween(from, asOf, start?.subscribers ?? null, now?.subscribers ?? null),
    };
  });
  const monthAgo = addDays(asOf, -30);
  const [
    registered,
    observed,
    categoriesNow,
    categoriesBefore,
    movers,
    channelsForecast,
    subscribersForecast,
  ] = await Promise.all([
    db
      .selectFrom('channels')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '!=', 'removed')
      .executeTakeFirstOrThrow(),
    latestObservationAt(db, asOf),
    categoryTotalsAt(db, asOf),
    categoryTotalsAt(db, monthAgo),
    topMovers(db, addDays(asOf, -7), asOf),
    forecastOf(
      db,
      { target: 'channels', days: options.forecastDays ?? 90, asOf },
      series.slice(-FORECAST_HISTORY_DAYS).map((t) => ({ day: t.day, value: t.channels })),
    ),
    forecastOf(
      db,
      { target: 'subscribers', days: options.forecastDays ?? 90, asOf },
      series.slice(-FORECAST_HISTORY_DAYS).map((t) => ({ day: t.day, value: t.subscribers })),
    ),
  ]);
  const t = observed;
  const byCategory = [...categoriesNow.values()]
    .map((c) => {
      const before = categoriesBefore.get(c.category);
      return {
        category: c.category,
        label_ru: labelOf(CATEGORIES, c.category, 'ru'),
        label_en: labelOf(CATEGORIES, c.category, 'en'),
        channels: c.channels,
        subscribers: c.subscribers,
        growth_30d: changeBetween(monthAgo, asOf, before?.subscribers ?? null, c.subscribers),
      };
    })
    .sort((a, b) => b.subscribers - a.subscribers || a.category.localeCompare(b.category));
  return {
    asOf,
    inputsObservedUntil: t === null || t === undefined ? null : new Date(Number(t)).toISOString(),
    totals: {
      channels_registered: Number(registered.n),
      channels: now?.channels ?? 0,
      subscribers: now?.subscribers ?? 0,
    },
    growth,
    series: series.slice(-historyDays),
    forecast: {
      days: options.forecastDays ?? 90,
      channels: channelsForecast.forecast,
      subscribers: subscribersForecast.forecast,
    },
    byCategory,
    topMovers: { from: addDays(asOf, -7), to: asOf, up: movers.up, down: movers.down },
  };
}

export type Overview = Awaited<ReturnType<typeof computeOverview>>;
