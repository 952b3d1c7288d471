import type { Kysely } from 'kysely';
import { CATEGORIES, labelOf, PAGE_CLASSES } from '../register/categories.ts';
import { findRegion, regionsWithPopulationAt } from '../register/region.repository.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { DB } from '../store/schema.ts';
import { scopeFlagContext } from './anomaly-flag.service.ts';
import { addDays, type Day, isDay } from './calendar.ts';
import { INDICATORS } from './indicators.ts';
import { pageCompleteness } from './metrics.ts';
import { clearOverviewCache } from './overview.service.ts';
import { places } from './ranking.ts';
import { defaultRatingDate } from './rating.service.ts';
import { type ChannelFacts, postCountsAt, profileOf } from './rating-inputs.repository.ts';
import { NO_MUNICIPALITY } from './rating-inputs.service.ts';
import {
  DEFAULT_ACTIVE_THRESHOLD,
  GROWTH_PERIOD_DAYS,
  type RegionFigures,
  regionChannelFacts,
  regionFiguresAt,
} from './region-figures.service.ts';
import type { RegionMetrics } from './region-metrics.ts';
import { type RegionPageChannel, type RegionPageGroup, regionPageRows } from './region-page.repository.ts';
import { emptyTotals, metricsFromTotals, type RegionTotals } from './region-totals.ts';
import { median } from './stats.ts';
import { TtlCache } from './ttl-cache.ts';

/**
 * A region's page: its figures against the country median (and its place among the regions), channels by
 * category and page class, active and complete-page shares, the channels lagging behind (inactive, incomplete
 * page, losing subscribers) and its municipalities. Country-wide figures are computed once per date and kept
 * for a minute (they are what the `network` rating sees).
 */

const FIGURES_TTL_MS = 60_000;
/** One cache per database handle (tests and tools may open several). */
const figuresCaches = new WeakMap<Kysely<DB>, TtlCache<RegionFigures>>();
/** Caches to clear (a WeakMap cannot be iterated). */
const allCaches = new Set<WeakRef<TtlCache<RegionFigures>>>();
/** Laggards listed per kind (the totals are always given). */
export const LAGGARDS_LIMIT = 50;

export function countryFigures(db: Kysely<DB>, date: Day): Promise<RegionFigures> {
  let cache = figuresCaches.get(db);
  if (!cache) {
    cache = new TtlCache<RegionFigures>(FIGURES_TTL_MS, 8);
    figuresCaches.set(db, cache);
    allCaches.add(new WeakRef(cache));
  }
  return cache.get(date, () => regionFiguresAt(db, date));
}

/** Forgets cached country figures and overviews (after flag reviews and imports). */
export function clearFiguresCache(): void {
  clearOverviewCache();
  for (const ref of allCaches) {
    const cache = ref.deref();
    if (cache) cache.clear();
    else allCaches.delete(ref);
  }
}

/** A figure of the region page, titled as in the indicator catalogue unless the page says more. */
function figure(
  key: keyof typeof INDICATORS,
  pick: (m: RegionMetrics) => number | null,
  title?: { ru: string; en: string },
) {
  return { key, ru: title?.ru ?? INDICATORS[key].title_ru, en: title?.en ?? INDICATORS[key].title_en, pick };
}

export const FIGURES = [
  figure('channels', (m) => m.channels.total),
  figure('channels_per_100k', (m) => m.channels.per100k),
  figure('subscribers', (m) => m.subscribers.sum, { ru: 'Сумма подписчиков', en: 'Sum of subscribers' }),
  figure('subscribers_per_1000', (m) => m.subscribers.per1000),
  figure('active_share', (m) => m.active.share),
  figure('complete_share', (m) => m.complete.share),
  figure('growth_pct', (m) => m.growth.percent, {
    ru: 'Прирост подписчиков за 30 дней, %',
    en: 'Subscriber growth over 30 days, %',
  }),
];

interface ChannelRef {
  id: number;
  title: string | null;
  nickname: string | null;
  category: string;
  municipality: string | null;
}

const ref = (f: ChannelRef): ChannelRef => ({
  id: f.id,
  title: f.title,
  nickname: f.nickname,
  category: f.category,
  municipality: f.municipality,
});

/** One channel read channel by channel (a confirmed anomaly flag corrects its values) as a group of one. */
function groupOfChannel(f: ChannelFacts, week: number | undefined, threshold: number): RegionPageGroup {
  const known = f.value !== null;
  const pair = known && f.start !== null;
  const posting = f.postsPerWeek !== null;
  return {
    municipality: f.municipality,
    category: f.category,
    channels: 1,
    known: known ? 1 : 0,
    subscribers: f.value?.subscribers ?? 0,
    pairs: pair ? 1 : 0,
    pairStart: pair ? f.start!.subscribers : 0,
    pairEnd: pair ? f.value!.subscribers : 0,
    posting: posting ? 1 : 0,
    active: posting && f.postsPerWeek! >= threshold ? 1 : 0,
    inactive: posting && f.postsPerWeek! < threshold ? 1 : 0,
    weekActive: week !== undefined && week >= threshold ? 1 : 0,
    checked: f.pageComplete === null ? 0 : 1,
    complete: f.pageComplete === true ? 1 : 0,
    incomplete: f.pageComplete === false ? 1 : 0,
    falling: pair && f.value!.subscribers < f.start!.subscribers ? 1 : 0,
  };
}

/** A page checked but not classified yet: its completeness from the profile, as a group of one. */
function groupOfPage(c: RegionPageChannel, complete: boolean): RegionPageGroup {
  return {
    municipality: c.municipality,
    category: c.category,
    channels: 0,
    known: 0,
    subscribers: 0,
    pairs: 0,
    pairStart: 0,
    pairEnd: 0,
    posting: 0,
    active: 0,
    inactive: 0,
    weekActive: 0,
    checked: 1,
    complete: complete ? 1 : 0,
    incomplete: complete ? 0 : 1,
    falling: 0,
  };
}

const sum = (groups: readonly RegionPageGroup[], pick: (g: RegionPageGroup) => number) =>
  groups.reduce((n, g) => n + pick(g), 0);

export async function regionSummary(db: Kysely<DB>, code: string, options: { date?: Day } = {}) {
  const region = await findRegion(db, code);
  if (!region) throw new NotFoundError(`Регион ${code} не найден / region ${code} not found`);
  const date = options.date && isDay(options.date) ? options.date : await defaultRatingDate(db);
  const periodStart = addDays(date, -GROWTH_PERIOD_DAYS);
  const threshold = DEFAULT_ACTIVE_THRESHOLD;
  // Channels with confirmed anomaly flags are read one by one (their values are corrected first); the rest
  // of the region is added up by the database, while the country figures are computed.
  const flags = await scopeFlagContext(db, date, { region: region.code });
  const special = [...flags.confirmed.keys()];
  const [country, populations, page, flagged] = await Promise.all([
    countryFigures(db, date),
    regionsWithPopulationAt(db, date),
    regionPageRows(db, {
      region: region.code,
      date,
      periodStart,
      activeThreshold: threshold,
      limit: LAGGARDS_LIMIT,
      exclude: special,
    }),
    special.length === 0
      ? Promise.resolve([])
      : regionChannelFacts(db, region.code, date, periodStart, { ids: special, flags }),
  ]);
  const all = country.metrics;
  const mine = all.find((m) => m.code === region.code)!;
  const population = populations.find((r) => r.code === region.code)!;

  const figures = FIGURES.map((f) => {
    const values = all.map((m) => f.pick(m));
    const place = places(values, { direction: 'desc' })[all.indexOf(mine)] ?? null;
    return {
      key: f.key,
      title_ru: f.ru,
      title_en: f.en,
      value: f.pick(mine),
      country_median: median(values.filter((v): v is number => v !== null)),
      place,
      of: values.filter((v) => v !== null).length,
    };
  });

  const week = await postCountsAt(
    db,
    date,
    flagged.map((f) => f.id),
    7,
  );
  const pages = page.unclassified.map((c) => ({ ...c, page: pageCompleteness(profileOf(c)) }));
  const groups = [
    ...page.groups,
    ...flagged.map((f) => groupOfChannel(f, week.get(f.id), threshold)),
    ...pages.map((c) => groupOfPage(c, c.page.complete)),
  ];

  const byCategory = new Map<string, { channels: number; with_data: number; subscribers: number }>();
  for (const g of groups) {
    if (g.channels === 0) continue;
    const c = byCategory.get(g.category) ?? { channels: 0, with_data: 0, subscribers: 0 };
    c.channels += g.channels;
    c.with_data += g.known;
    c.subscribers += g.subscribers;
    byCategory.set(g.category, c);
  }
  // Page classes in the order the channels (by id) first show them, so that equal counts keep that order.
  const classes = new Map<string, { channels: number; firstId: number }>();
  const addClass = (pageClass: string | null, channels: number, firstId: number) => {
    const c = classes.get(pageClass ?? 'unset') ?? { channels: 0, firstId };
    c.channels += channels;
    c.firstId = Math.min(c.firstId, firstId);
    classes.set(pageClass ?? 'unset', c);
  };
  for (const c of page.pageClasses) addClass(c.pageClass, c.channels, c.firstId);
  for (const f of flagged) addClass(f.page_class, 1, f.id);

  const inactive = [
    ...page.inactive.map((c) => ({ ...ref(c), posts_per_week: c.posts / 4 })),
    ...flagged
      .filter((f) => f.postsPerWeek !== null && f.postsPerWeek < threshold)
      .map((f) => ({ ...ref(f), posts_per_week: f.postsPerWeek ?? 0 })),
  ].sort((a, b) => a.posts_per_week - b.posts_per_week || a.id - b.id);
  const incomplete = [
    ...page.incomplete.map((c) => ({ ...ref(c), missing: pageCompleteness(profileOf(c)).missing })),
    ...pages.filter((c) => !c.page.complete).map((c) => ({ ...ref(c), missing: c.page.missing })),
    ...flagged
      .filter((f) => f.pageComplete === false)
      .map((f) => ({ ...ref(f), missing: f.page ? pageCompleteness(f.page).missing : [] })),
  ].sort((a, b) => a.id - b.id);
  const falling = [
    ...page.falling,
    ...flagged
      .filter((f) => f.value && f.start && f.value.subscribers < f.start.subscribers)
      .map((f) => ({ ...ref(f), start: f.start!.subscribers, end: f.value!.subscribers })),
  ]
    .map(({ start, end, ...f }) => ({
      ...ref(f),
      start,
      end,
      change: end - start,
      percent: start === 0 ? null : ((end - start) / start) * 100,
    }))
    .sort((a, b) => (a.percent ?? 0) - (b.percent ?? 0) || a.id - b.id);

  const byMunicipality = new Map<string, RegionTotals>();
  for (const g of groups) {
    const key = g.municipality?.trim() || NO_MUNICIPALITY.key;
    const t = byMunicipality.get(key) ?? emptyTotals();
    t.channels += g.channels;
    if (g.channels > 0) t.byCategory[g.category] = (t.byCategory[g.category] ?? 0) + g.channels;
    t.known += g.known;
    t.subscribers += g.subscribers;
    t.pairs += g.pairs;
    t.start += g.pairStart;
    t.end += g.pairEnd;
    t.posting += g.posting;
    t.active += g.active;
    t.checked += g.checked;
    t.complete += g.complete;
    byMunicipality.set(key, t);
  }
  const municipalities = [...byMunicipality]
    .map(([key, t]) => {
      const m = metricsFromTotals(
        { code: key, name: key === NO_MUNICIPALITY.key ? NO_MUNICIPALITY.ru : key, population: null },
        t,
        { asOf: date, periodStart, activeThreshold: threshold },
      );
      return {
        key,
        name: m.name,
        channels: m.channels.total,
        subscribers: m.subscribers.sum,
        active_share: m.active.share,
        complete_share: m.complete.share,
        growth_pct: m.growth.percent,
      };
    })
    .sort((a, b) => (b.subscribers ?? 0) - (a.subscribers ?? 0) || a.name.localeCompare(b.name, 'ru'));

  const weekKnown = sum(groups, (g) => g.posting);
  const weekActive = sum(groups, (g) => g.weekActive);
  return {
    region: {
      code: region.code,
      name_ru: region.name_ru,
      name_en: region.name_en,
      population: population.population,
      population_as_of: population.population_as_of,
    },
    asOf: date,
    periodStart: country.periodStart,
    inputsObservedUntil:
      country.observedUntil === null ? null : new Date(country.observedUntil).toISOString(),
    figures,
    byCategory: [...byCategory]
      .map(([category, c]) => ({
        category,
        label_ru: labelOf(CATEGORIES, category, 'ru'),
        label_en: labelOf(CATEGORIES, category, 'en'),
        ...c,
      }))
      .sort((a, b) => b.channels - a.channels || a.category.localeCompare(b.category)),
    byPageClass: [...classes]
      .sort(([, a], [, b]) => b.channels - a.channels || a.firstId - b.firstId)
      .map(([pageClass, c]) => ({
        page_class: pageClass,
        label_ru: pageClass === 'unset' ? 'Не указан' : labelOf(PAGE_CLASSES, pageClass, 'ru'),
        label_en: pageClass === 'unset' ? 'Not set' : labelOf(PAGE_CLASSES, pageClass, 'en'),
        channels: c.channels,
      })),
    active: {
      ...mine.active,
      last7: {
        count: weekActive,
        of: weekKnown,
        share: weekKnown === 0 ? null : weekActive / weekKnown,
      },
    },
    complete: mine.complete,
    laggards: {
      inactive: {
        total: sum(groups, (g) => g.inactive),
        items: inactive.slice(0, LAGGARDS_LIMIT),
      },
      incomplete: {
        total: sum(groups, (g) => g.incomplete),
        items: incomplete.slice(0, LAGGARDS_LIMIT),
      },
      falling: { total: sum(groups, (g) => g.falling), items: falling.slice(0, LAGGARDS_LIMIT) },
    },
    municipalities,
  };
}

export type RegionSummary = Awaited<ReturnType<typeof regionSummary>>;
