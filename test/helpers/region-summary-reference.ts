import type { Kysely } from 'kysely';
import type { Day } from '../../src/analytics/calendar.ts';
import { pageCompleteness } from '../../src/analytics/metrics.ts';
import { places } from '../../src/analytics/ranking.ts';
import { postCountsAt } from '../../src/analytics/rating-inputs.repository.ts';
import { NO_MUNICIPALITY } from '../../src/analytics/rating-inputs.service.ts';
import { regionChannelFacts, regionFiguresAt } from '../../src/analytics/region-figures.service.ts';
import { regionMetrics } from '../../src/analytics/region-metrics.ts';
import { FIGURES, LAGGARDS_LIMIT } from '../../src/analytics/region-summary.service.ts';
import { median } from '../../src/analytics/stats.ts';
import { CATEGORIES, labelOf, PAGE_CLASSES } from '../../src/register/categories.ts';
import { findRegion, regionsWithPopulationAt } from '../../src/register/region.repository.ts';
import type { DB } from '../../src/store/schema.ts';

/**
 * The reference for region pages: every channel of the region read one by one (values, posts, pages) and the
 * page computed from the list, as `regionSummary` did before the database added the page up.
 */

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

/** The region page computed channel by channel, as it was before the page was added up by the database. */
export async function regionSummaryByChannel(db: Kysely<DB>, code: string, options: { date: Day }) {
  const region = (await findRegion(db, code))!;
  const date = options.date;
  const country = await regionFiguresAt(db, date);
  const all = country.metrics;
  const mine = all.find((m) => m.code === region.code)!;
  const population = (await regionsWithPopulationAt(db, date)).find((r) => r.code === region.code)!;
  const facts = await regionChannelFacts(db, region.code, date, country.periodStart);

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

  const byCategory = new Map<string, { channels: number; with_data: number; subscribers: number }>();
  const byPageClass = new Map<string, number>();
  for (const f of facts) {
    const c = byCategory.get(f.category) ?? { channels: 0, with_data: 0, subscribers: 0 };
    c.channels += 1;
    if (f.value) {
      c.with_data += 1;
      c.subscribers += f.value.subscribers;
    }
    byCategory.set(f.category, c);
    byPageClass.set(f.page_class ?? 'unset', (byPageClass.get(f.page_class ?? 'unset') ?? 0) + 1);
  }

  const week = await postCountsAt(
    db,
    date,
    facts.map((f) => f.id),
    7,
  );
  const threshold = mine.active.threshold;
  const weekKnown = facts.filter((f) => week.has(f.id));
  const weekActive = weekKnown.filter((f) => (week.get(f.id) ?? 0) >= threshold).length;

  const inactive = facts
    .filter((f) => f.postsPerWeek !== null && f.postsPerWeek < threshold)
    .sort((a, b) => (a.postsPerWeek ?? 0) - (b.postsPerWeek ?? 0) || a.id - b.id);
  const incomplete = facts.filter((f) => f.pageComplete === false).sort((a, b) => a.id - b.id);
  const falling = facts
    .filter((f) => f.value && f.start && f.value.subscribers < f.start.subscribers)
    .map((f) => {
      const start = f.start!.subscribers;
      const end = f.value!.subscribers;
      return {
        ...ref(f),
        start,
        end,
        change: end - start,
        percent: start === 0 ? null : ((end - start) / start) * 100,
      };
    })
    .sort((a, b) => (a.percent ?? 0) - (b.percent ?? 0) || a.id - b.id);

  const groups = new Map<string, typeof facts>();
  for (const f of facts) {
    const key = f.municipality?.trim() || NO_MUNICIPALITY.key;
    const list = groups.get(key) ?? [];
    list.push(f);
    groups.set(key, list);
  }
  const municipalities = [...groups]
    .map(([key, list]) => {
      const m = regionMetrics(
        {
          code: key,
          name: key === NO_MUNICIPALITY.key ? NO_MUNICIPALITY.ru : key,
          population: null,
          channels: list.map((f) => ({
            id: String(f.id),
            category: f.category,
            subscribers: f.value?.subscribers ?? null,
            subscribersAtStart: f.start?.subscribers ?? null,
            postsPerWeek: f.postsPerWeek,
            pageComplete: f.pageComplete,
          })),
        },
        { asOf: date, periodStart: country.periodStart, activeThreshold: threshold },
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
    byPageClass: [...byPageClass]
      .map(([pageClass, channels]) => ({
        page_class: pageClass,
        label_ru: pageClass === 'unset' ? 'Не указан' : labelOf(PAGE_CLASSES, pageClass, 'ru'),
        label_en: pageClass === 'unset' ? 'Not set' : labelOf(PAGE_CLASSES, pageClass, 'en'),
        channels,
      }))
      .sort((a, b) => b.channels - a.channels),
    active: {
      ...mine.active,
      last7: {
        count: weekActive,
        of: weekKnown.length,
        share: weekKnown.length === 0 ? null : weekActive / weekKnown.length,
      },
    },
    complete: mine.complete,
    laggards: {
      inactive: {
        total: inactive.length,
        items: inactive
          .slice(0, LAGGARDS_LIMIT)
          .map((f) => ({ ...ref(f), posts_per_week: f.postsPerWeek ?? 0 })),
      },
      incomplete: {
        total: incomplete.length,
        items: incomplete
          .slice(0, LAGGARDS_LIMIT)
          .map((f) => ({ ...ref(f), missing: f.page ? pageCompleteness(f.page).missing : [] })),
      },
      falling: { total: falling.length, items: falling.slice(0, LAGGARDS_LIMIT) },
    },
    municipalities,
  };
}
