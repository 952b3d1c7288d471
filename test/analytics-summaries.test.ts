import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { addDays } from '../src/analytics/calendar.ts';
import { clearFiguresCache } from '../src/analytics/region-summary.service.ts';
import type { DB } from '../src/store/schema.ts';
import {
  addChannel,
  lastDays,
  observe,
  page,
  posts,
  startAnalyticsServer,
} from './helpers/analytics-fixtures.ts';
import { type ApiError, requestJson } from './helpers/api.ts';
import { describeEachDialect } from './helpers/stores.ts';

/**
 * The overview, region and channel summaries, channel series and forecasts over HTTP, on 40 days of linear
 * audiences whose every figure can be written down by hand.
 */

const D = '2026-05-31';
const DAYS = lastDays(D, 40); // DAYS[i]: i = 0 … 39, DAYS[39] = D

async function world(db: Kysely<DB>) {
  const koGov = await addChannel(db, {
    region: 'RU-KO',
    title: 'Правительство Коми',
    page_class: 'flagship',
  });
  const schoolA = await addChannel(db, {
    region: 'RU-KO',
    category: 'school',
    title: 'Школа № 1',
    municipality: 'Сыктывкар',
    page_class: 'active',
  });
  const schoolB = await addChannel(db, {
    region: 'RU-KO',
    category: 'school',
    title: 'Школа № 2',
    municipality: 'Ухта',
    page_class: 'card',
  });
  const baGov = await addChannel(db, { region: 'RU-BA', title: 'Правительство Башкортостана' });
  const series = (f: (i: number) => number) => Object.fromEntries(DAYS.map((d, i) => [d, f(i)]));
  await observe(
    db,
    koGov,
    series((i) => 10_000 + 50 * i),
  );
  await observe(
    db,
    schoolA,
    series((i) => 2_000 + 10 * i),
  );
  await observe(
    db,
    schoolB,
    series((i) => 3_000 - 20 * i),
  );
  await observe(
    db,
    baGov,
    series((i) => 20_000 + 100 * i),
  );
  const month = lastDays(D, 28);
  await posts(db, koGov, month.slice(0, 20)); // 5 a week
  await posts(db, schoolA, month.slice(0, 4)); // 1 a week
  await posts(db, baGov, []); // posts collected, none published
  await page(db, koGov, true);
  await page(db, schoolA, false);
  await page(db, baGov, true);
  clearFiguresCache();
  return { koGov, schoolA, schoolB, baGov };
}

describeEachDialect('overview, summaries, series and forecasts', (store) => {
  it('answers the overview and the region summary with hand-checkable figures', async () => {
    const { db } = store();
    const { koGov, schoolA, schoolB, baGov } = await world(db);
    const server = await startAnalyticsServer(store());
    try {
      const overview = await requestJson<{
        asOf: string;
        inputsObservedUntil: string;
        totals: { channels_registered: number; channels: number; subscribers: number };
        growth: { days: number; subscribers: { start: number | null; absolute: number | null } }[];
        series: { day: string; subscribers: number }[];
        forecast: {
          days: number;
          subscribers: { points: unknown[] } | null;
          channels: { points: unknown[] } | null;
        };
        byCategory: { category: string; channels: number; subscribers: number }[];
        topMovers: {
          up: { channel_id: number; change: number }[];
          down: { channel_id: number; change: number }[];
        };
      }>(server.url, 'GET', `/api/overview?date=${D}&forecast_days=30`);
      expect(overview.status).toBe(200);
      const o = overview.body;
      expect(o.asOf).toBe(D);
      expect(o.inputsObservedUntil).toBe('2026-05-31T17:00:00.000Z');
      // At D (i = 39): 11,950 + 2,390 + 2,220 + 23,900; the total moves by 50 + 10 − 20 + 100 = 140 a day.
      expect(o.totals).toEqual({ channels_registered: 4, channels: 4, subscribers: 40_460 });
      expect(o.growth.map((g) => [g.days, g.subscribers.absolute])).toEqual([
        [7, 980],
        [30, 4_200],
        [90, null],
      ]);
      expect(o.series).toHaveLength(40);
      expect(o.forecast.days).toBe(30);
      expect(o.forecast.subscribers!.points).toHaveLength(30);
      expect(o.forecast.channels!.points).toHaveLength(30);
      expect(o.byCategory).toEqual([
        expect.objectContaining({ category: 'regional_government', channels: 2, subscribers: 35_850 }),
        expect.objectContaining({ category: 'school', channels: 2, subscribers: 4_610 }),
      ]);
      expect(o.topMovers.up.map((m) => [m.channel_id, m.change])).toEqual([
        [baGov, 700],
        [koGov, 350],
        [schoolA, 70],
      ]);
      expect(o.topMovers.down.map((m) => [m.channel_id, m.change])).toEqual([[schoolB, -140]]);

      const summary = await requestJson<{
        asOf: string;
        figures: { key: string; value: number | null; country_median: number | null; place: number | null }[];
        byCategory: { category: string; channels: number; subscribers: number }[];
        byPageClass: { page_class: string; channels: number }[];
        active: { count: number; of: number; share: number | null; last7: { of: number } };
        complete: { count: number; of: number };
        laggards: {
          inactive: { total: number; items: { id: number; posts_per_week: number }[] };
          incomplete: { total: number; items: { id: number; missing: string[] }[] };
          falling: { total: number; items: { id: number; start: number; end: number; change: number }[] };
        };
        municipalities: { name: string; channels: number; subscribers: number | null }[];
      }>(server.url, 'GET', `/api/regions/ru-ko/summary?date=${D}`);
      expect(summary.status).toBe(200);
      const s = summary.body;
      const figure = (key: string) => s.figures.find((f) => f.key === key)!;
      expect(figure('channels')).toMatchObject({ value: 3, country_median: 0, place: 1 });
      expect(figure('subscribers')).toMatchObject({ value: 16_560, place: 2 });
      expect(figure('active_share')).toMatchObject({ value: 0.5 });
      expect(figure('complete_share')).toMatchObject({ value: 0.5 });
      // Growth over 30 days like for like: (16,560 − 15,360) / 15,360.
      expect(figure('growth_pct').value).toBeCloseTo((1_200 / 15_360) * 100, 9);
      expect(s.byCategory.map((c) => [c.category, c.channels, c.subscribers])).toEqual([
        ['school', 2, 4_610],
        ['regional_government', 1, 11_950],
      ]);
      expect(s.byPageClass.map((c) => [c.page_class, c.channels]).sort()).toEqual([
        ['active', 1],
        ['card', 1],
        ['flagship', 1],
      ]);
      expect(s.active).toMatchObject({ count: 1, of: 2, share: 0.5 });
      expect(s.laggards.inactive.items.map((i) => [i.id, i.posts_per_week])).toEqual([[schoolA, 1]]);
      expect(s.laggards.incomplete.items).toEqual([
        expect.objectContaining({ id: schoolA, missing: ['description', 'contacts'] }),
      ]);
      expect(s.laggards.falling.items).toEqual([
        expect.objectContaining({ id: schoolB, start: 2_820, end: 2_220, change: -600 }),
      ]);
      expect(s.municipalities.map((m) => [m.name, m.channels, m.subscribers])).toEqual([
        ['Без муниципалитета', 1, 11_950],
        ['Сыктывкар', 1, 2_390],
        ['Ухта', 1, 2_220],
      ]);
      expect((await requestJson<ApiError>(server.url, 'GET', '/api/regions/RU-XX/summary')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('answers a channel summary, its series by day/week/month and forecasts', async () => {
    const { db } = store();
    const { koGov, schoolB } = await world(db);
    const server = await startAnalyticsServer(store());
    try {
      const summary = await requestJson<{
        asOf: string;
        inputsObservedUntil: string | null;
        metrics: {
          subscribers: number;
          change: { week: { absolute: number }; month: { from: string; absolute: number } };
          postsPerWeek: number | null;
          views24h: { average: number | null; posts: number } | null;
          completeness: { complete: boolean; missing: string[] } | null;
        };
        page: { elements: { element: string; present: boolean | null }[] };
        collection: { posts_collected: boolean };
      }>(server.url, 'GET', `/api/channels/${koGov}/summary`);
      expect(summary.status).toBe(200);
      const m = summary.body.metrics;
      expect(summary.body.asOf).toBe(D);
      expect(m.subscribers).toBe(11_950);
      expect(m.change.week.absolute).toBe(350);
      // A month back from 31 May is 30 April (i = 8): 10,400.
      expect(m.change.month).toMatchObject({ from: '2026-04-30', absolute: 1_550 });
      expect(m.postsPerWeek).toBe(5);
      expect(m.views24h).toEqual({ age: '24h', average: 100, posts: 20 });
      expect(m.completeness).toEqual({ score: 1, complete: true, missing: [] });
      expect(summary.body.collection.posts_collected).toBe(true);
      const b = await requestJson<{ metrics: { postsPerWeek: number | null; completeness: unknown } }>(
        server.url,
        'GET',
        `/api/channels/${schoolB}/summary?date=${addDays(D, -1)}`,
      );
      expect(b.body.metrics).toMatchObject({ postsPerWeek: null, completeness: null });

      type Series = {
        asOf: string;
        points: { period: string; from: string; to: string; value: number | null; count: number }[];
      };
      const daily = await requestJson<Series>(
        server.url,
        'GET',
        `/api/channels/${koGov}/series?from=${DAYS[30]}&to=${D}`,
      );
      expect(daily.body.points.map((p) => p.value)).toEqual(
        DAYS.slice(30).map((_, k) => 10_000 + 50 * (30 + k)),
      );
      const weekly = await requestJson<Series>(
        server.url,
        'GET',
        `/api/channels/${koGov}/series?bucket=week&from=2026-05-01&to=${D}`,
      );
      // ISO weeks of May 2026 (Mondays 4, 11, 18, 25): each value is the one at the week's last day in range.
      expect(weekly.body.points.map((p) => [p.period, p.from, p.to, p.value])).toEqual([
        ['2026-W18', '2026-05-01', '2026-05-03', 10_000 + 50 * DAYS.indexOf('2026-05-03')],
        ['2026-W19', '2026-05-04', '2026-05-10', 10_000 + 50 * DAYS.indexOf('2026-05-10')],
        ['2026-W20', '2026-05-11', '2026-05-17', 10_000 + 50 * DAYS.indexOf('2026-05-17')],
        ['2026-W21', '2026-05-18', '2026-05-24', 10_000 + 50 * DAYS.indexOf('2026-05-24')],
        ['2026-W22', '2026-05-25', '2026-05-31', 11_950],
      ]);
      const monthly = await requestJson<Series>(
        server.url,
        'GET',
        `/api/channels/${koGov}/series?bucket=month&from=2026-04-01&to=${D}`,
      );
      expect(monthly.body.points.map((p) => [p.period, p.value, p.count])).toEqual([
        ['2026-04', 10_000 + 50 * DAYS.indexOf('2026-04-30'), 9],
        ['2026-05', 11_950, 31],
      ]);
      const postsSeries = await requestJson<Series>(
        server.url,
        'GET',
        `/api/channels/${koGov}/series?metric=posts&bucket=month&from=2026-05-01&to=${D}`,
      );
      expect(postsSeries.body.points.map((p) => [p.period, p.value])).toEqual([['2026-05', 20]]);
      const views = await requestJson<Series>(
        server.url,
        'GET',
        `/api/channels/${koGov}/series?metric=views_24h&bucket=month&from=2026-05-01&to=${D}`,
      );
      expect(views.body.points.map((p) => [p.value, p.count])).toEqual([[100, 20]]);
      expect(
        (await requestJson(server.url, 'GET', `/api/channels/${koGov}/series?from=${D}&to=${DAYS[0]}`))
          .status,
      ).toBe(400);
      expect((await requestJson(server.url, 'GET', '/api/channels/999999/series')).status).toBe(404);

      const forecast = await requestJson<{
        asOf: string;
        history: unknown[];
        forecast: {
          model: string;
          backtest: { value: number | null };
          points: { day: string; value: number; lower95: number; upper95: number }[];
        };
      }>(server.url, 'GET', `/api/forecast?target=subscribers&channel=${koGov}&days=30`);
      expect(forecast.status).toBe(200);
      expect(forecast.body.history).toHaveLength(40);
      const first = forecast.body.forecast.points[0]!;
      // A straight line of +50 a day continues.
      expect(first.day).toBe('2026-06-01');
      expect(Math.abs(first.value - 12_000)).toBeLessThan(1);
      expect(first.lower95).toBeLessThanOrEqual(first.value);
      expect(first.upper95).toBeGreaterThanOrEqual(first.value);
      expect(forecast.body.forecast.points).toHaveLength(30);
      const region = await requestJson<{ history: { value: number }[] }>(
        server.url,
        'GET',
        `/api/forecast?target=channels&region=RU-KO&date=${D}`,
      );
      expect(region.body.history.at(-1)!.value).toBe(3);
      expect(
        (await requestJson(server.url, 'GET', `/api/forecast?target=channels&channel=${koGov}`)).status,
      ).toBe(400);
      expect((await requestJson(server.url, 'GET', '/api/forecast?region=RU-ZZ')).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
