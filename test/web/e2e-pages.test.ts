import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addToRun, finishRun } from '../../src/collect/collection-run.repository.ts';
import type { ChannelSummary, Overview, RegionSummary, Series } from '../../src/web/client/api.ts';
import { formatNumber } from '../../src/web/client/format.ts';
import { DASHBOARD_DIALECTS, type Dashboard, SHOTS } from '../helpers/dashboard.ts';
import type { SeededDashboard } from '../helpers/dashboard-seed.ts';
import { seededDashboardSuite } from '../helpers/dashboard-suite.ts';

/**
 * The overview, region, channel and collection pages end to end on the seeded register
 * (test/helpers/dashboard-seed.ts): figures checked against the API, charts drawn, the anomaly flag review
 * (a visitor is asked to sign in, an operator confirms), the collection page's auto-refresh, the region's
 * print view. Runs on SQLite, and on PostgreSQL when OHVAT_TEST_PG_URL is set.
 */

const PDFTOPPM = '/usr/bin/pdftoppm';
const PDFTOTEXT = '/usr/bin/pdftotext';

for (const dialect of DASHBOARD_DIALECTS) {
  describe(`overview, region, channel and collection pages in Chromium (${dialect})`, {
    timeout: 120_000,
  }, () => {
    const suite = seededDashboardSuite(dialect);
    const { open, shot } = suite;
    let d: Dashboard;
    let seeded: SeededDashboard;
    beforeAll(() => {
      d = suite.d;
      seeded = suite.seeded;
    });

    it('collection: runs with progress, refreshed while running; errors by kind; failing channels', async () => {
      const { page, problems } = await open('/collection');
      const runs = page.getByTestId('runs-table').locator('tbody tr');
      await expect.poll(() => runs.count(), { timeout: 20_000 }).toBe(2);
      const total = seeded.channels.length;
      const running = runs.first();
      expect(await running.locator('.badge').textContent()).toBe('идёт');
      const done = Math.floor(total / 3) + 2;
      expect(await running.locator('.progress__text').textContent()).toBe(
        `${done} из ${formatNumber(total, 'ru')}`,
      );
      expect(await running.locator('progress').getAttribute('value')).toBe(String(done));
      expect(await runs.nth(1).locator('.badge').textContent()).toBe('завершён');
      expect(await page.locator('.live').count()).toBe(1);
      expect(await page.getByTestId('rate-meter').textContent()).toContain('из 30 в секунду');

      // The run advances in the database; the page shows it within one refresh (5 s) without a reload.
      await addToRun(d.store.db, seeded.runningRunId, {
        channels_ok: 20,
        channels_failed: 0,
        requests: 20,
        page_requests: 0,
        rate_limited: 0,
        errors_by_kind: {},
      });
      await expect
        .poll(() => running.locator('.progress__text').textContent(), { timeout: 9_000, interval: 500 })
        .toBe(`${done + 20} из ${formatNumber(total, 'ru')}`);
      await shot(page, 'collection');
      await finishRun(d.store.db, seeded.runningRunId, 'finished');
      await expect
        .poll(() => running.locator('.badge').textContent(), { timeout: 9_000, interval: 500 })
        .toBe('завершён');
      await expect.poll(() => page.locator('.live').count()).toBe(0);

      const failing = await d.api<{ total: number }>('GET', '/api/collection/failing');
      expect(failing.body.total).toBeGreaterThan(0);
      await expect
        .poll(() => page.getByTestId('failing-table').locator('tbody tr').count())
        .toBe(failing.body.total);
      const now = page.getByTestId('errors-now');
      expect(await now.textContent()).toContain('истекло время ожидания (timeout)');
      await now.getByRole('button', { name: /forbidden/ }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get('kind')).toBe('forbidden');
      const forbidden = await d.api<{ total: number }>('GET', '/api/collection/failing?kind=forbidden');
      await expect
        .poll(() => page.getByTestId('failing-table').locator('tbody tr').count())
        .toBe(forbidden.body.total);
      expect(problems).toEqual([]);
    });

    it('overview: totals, growth, the forecast chart with its interval, categories and top movers', async () => {
      const { page, problems } = await open('/');
      const overview = (await d.api<Overview>('GET', '/api/overview')).body;
      expect(overview.asOf).toBe(seeded.lastDay);
      await expect
        .poll(() => page.getByTestId('figure-subscribers').locator('dd').first().textContent(), {
          timeout: 20_000,
        })
        .toBe(formatNumber(overview.totals.subscribers, 'ru'));
      expect(await page.getByTestId('figure-reach-channels').locator('dd').first().textContent()).toBe(
        formatNumber(overview.totals.channels, 'ru'),
      );
      const week = overview.growth.find((g) => g.days === 7)!;
      expect(await page.getByTestId('figure-growth-7').locator('dd').first().textContent()).toBe(
        `+${formatNumber(week.subscribers.absolute, 'ru')}`,
      );
      expect(await page.getByTestId('overview-as-of').textContent()).toContain(
        `данные на ${seeded.lastDay.split('-').reverse().join('.')}`,
      );
      // The chart: history plus forecast days, with the forecast and both interval bands in its legend.
      const chart = page.getByTestId('overview-forecast-chart');
      await expect.poll(() => chart.locator('canvas').count(), { timeout: 20_000 }).toBe(1);
      const forecast = overview.forecast.subscribers!;
      expect(await chart.getAttribute('data-categories')).toBe(
        String(overview.series.length + forecast.points.length),
      );
      expect(await chart.getAttribute('data-series')).toBe('Подписчики|Прогноз|Интервал 95 %|Интервал 80 %');
      expect(await page.getByTestId('overview-forecast').textContent()).toMatch(/MAPE\) \d/);
      await expect
        .poll(() => page.getByTestId('overview-categories').locator('tbody tr').count())
        .toBe(overview.byCategory.length);
      const top = overview.topMovers.up[0]!;
      expect(top.channel_id).toBe(seeded.spike.channel.id);
      expect(await page.getByTestId('movers-up').locator('a').first().textContent()).toBe(top.title);
      await shot(page, 'overview-analytics');
      await page.getByRole('button', { name: 'Каналы с данными' }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get('metric')).toBe('channels');
      await expect.poll(() => chart.getAttribute('data-series')).toContain('Каналы с данными');
      expect(problems).toEqual([]);
    });

    it('region: figures against the country median, categories, shares, laggards, municipalities; prints', async () => {
      const { page, problems } = await open('/regions/RU-BA');
      const summary = (await d.api<RegionSummary>('GET', '/api/regions/RU-BA/summary')).body;
      const figures = page.getByTestId('region-figures').locator('tbody tr');
      await expect.poll(() => figures.count(), { timeout: 20_000 }).toBe(summary.figures.length);
      const subscribers = summary.figures.find((f) => f.key === 'subscribers')!;
      const row = page.locator('[data-testid="region-figures"] tr[data-key="subscribers"] td');
      expect(await row.nth(1).textContent()).toBe(formatNumber(subscribers.value, 'ru'));
      expect(await row.nth(2).textContent()).toBe(formatNumber(subscribers.country_median, 'ru'));
      expect(await row.nth(4).textContent()).toBe(`${subscribers.place} из ${subscribers.of}`);
      expect(await page.getByTestId('region-categories').locator('tbody tr').count()).toBe(
        summary.byCategory.length,
      );
      expect(await page.getByTestId('figure-complete-share').textContent()).toContain(
        `${summary.complete.count} из ${summary.complete.of}`,
      );
      expect(await page.getByTestId('region-laggards').textContent()).toContain(
        `Страница заполнена не полностью: ${summary.laggards.incomplete.total}`,
      );
      expect(await page.getByTestId('region-municipalities').locator('tbody tr').count()).toBe(
        summary.municipalities.length,
      );
      await shot(page, 'region-analytics');
      expect(problems).toEqual([]);

      await page.emulateMedia({ media: 'print' });
      expect(await page.getByTestId('print-header').isVisible()).toBe(true);
      expect(await page.locator('.filter-bar').first().isVisible()).toBe(false);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      if (dialect === 'sqlite') {
        const file = join(SHOTS, 'region-print.pdf');
        writeFileSync(file, pdf);
        if (existsSync(PDFTOTEXT)) {
          const text = execFileSync(PDFTOTEXT, ['-layout', file, '-']).toString();
          expect(text).toContain('Республика Башкортостан');
          expect(text).toContain('Медиана по стране');
          expect(text).toMatch(/\b1\s*\/\s*\d+\b/);
        }
        if (existsSync(PDFTOPPM)) {
          execFileSync(PDFTOPPM, [
            '-png',
            '-r',
            '70',
            '-f',
            '1',
            '-l',
            '1',
            file,
            join(SHOTS, 'region-print'),
          ]);
        }
      }
    });

    it('channel: charts by day and week, the MAX link, completeness, and a flag confirmed (sign-in asked first)', async () => {
      const channel = seeded.spike.channel;
      const summary = (await d.api<ChannelSummary>('GET', `/api/channels/${channel.id}/summary`)).body;
      const flag = summary.flags.find((f) => f.rule === 'spike' && f.day === seeded.spike.day);
      expect(flag?.status).toBe('open');

      // A visitor who has not signed in sees the flag and is asked to sign in when reviewing it.
      const publicServer = await d.startPublicServer();
      const visitor = await open('/');
      await visitor.page.goto(`${publicServer.url}/channels/${channel.id}`);
      const visitorCard = visitor.page.getByTestId('flag-card').filter({ hasText: 'Всплеск' });
      await expect.poll(() => visitorCard.count(), { timeout: 20_000 }).toBe(1);
      // The page settles first (who is signed in, the summary): a re-render would drop a comment typed earlier.
      await visitor.page.waitForLoadState('networkidle');
      const comment = visitorCard.getByLabel('Комментарий (обязателен)');
      await comment.fill('Проверено: закупка рекламы');
      await expect.poll(() => comment.inputValue()).toBe('Проверено: закупка рекламы');
      await visitorCard.getByRole('button', { name: 'Подтвердить аномалию' }).click();
      await expect
        .poll(
          () =>
            visitorCard
              .getByTestId('flag-error')
              .textContent({ timeout: 1_000 })
              .catch(() => null),
          {
            timeout: 20_000,
          },
        )
        .toContain('войдите в систему');

      const { page, problems } = await open(`/channels/${channel.id}`);
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 20_000 })
        .toBe(channel.title);
      expect(await page.getByTestId('max-link').getAttribute('href')).toBe(
        `https://max.ru/${channel.nickname}`,
      );
      expect(await page.getByTestId('figure-channel-subscribers').locator('dd').first().textContent()).toBe(
        formatNumber(summary.metrics.subscribers, 'ru'),
      );
      const chart = page.getByTestId('channel-subscribers-chart');
      await expect.poll(() => chart.locator('canvas').count(), { timeout: 20_000 }).toBe(1);
      const days = (
        await d.api<Series>('GET', `/api/channels/${channel.id}/series?metric=subscribers&bucket=day`)
      ).body;
      expect(await chart.getAttribute('data-categories')).toBe(String(days.points.length));
      await expect.poll(() => page.getByTestId('channel-posts-chart').locator('canvas').count()).toBe(1);
      const checklist = page.getByTestId('channel-completeness').locator('.checklist__item');
      expect(await checklist.count()).toBe(summary.page.elements.length);
      for (const e of summary.page.elements) {
        expect(
          await page.locator(`.checklist__item[data-element="${e.element}"]`).getAttribute('data-present'),
        ).toBe(String(e.present));
      }
      const card = page.getByTestId('flag-card').filter({ hasText: 'Всплеск' });
      expect(await card.textContent()).toContain('возможна накрутка');
      await shot(page, 'channel');

      // Weekly buckets: the URL keeps the choice and the chart has one point per week.
      await page.getByRole('button', { name: 'По неделям' }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get('bucket')).toBe('week');
      const year = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
      const weeks = (
        await d.api<Series>(
          'GET',
          `/api/channels/${channel.id}/series?metric=subscribers&bucket=week&from=${year}`,
        )
      ).body;
      await expect.poll(() => chart.getAttribute('data-categories')).toBe(String(weeks.points.length));

      // A comment is required; then the confirmation is stored and shown.
      await card.getByRole('button', { name: 'Подтвердить аномалию' }).click();
      expect(await card.locator('.form-field__error').textContent()).toContain('Напишите');
      await card
        .getByLabel('Комментарий (обязателен)')
        .fill('Скачок после рекламной кампании, подписчики куплены');
      await card.getByRole('button', { name: 'Подтвердить аномалию' }).click();
      await expect.poll(() => card.getAttribute('data-status'), { timeout: 10_000 }).toBe('confirmed');
      expect(await card.textContent()).toContain('Скачок после рекламной кампании');
      const stored = (
        await d.api<{ items: { id: number; status: string }[] }>('GET', `/api/flags?channel=${channel.id}`)
      ).body.items.find((f) => f.id === flag!.id);
      expect(stored?.status).toBe('confirmed');
      expect(problems).toEqual([]);
    });

    it('register and region link channel titles to the channel page', async () => {
      const channel = seeded.spike.channel;
      const { page } = await open(`/register?q=${channel.nickname}`);
      const link = page.getByTestId('channels-table').getByRole('link', { name: channel.title });
      await expect.poll(() => link.count(), { timeout: 20_000 }).toBe(1);
      await link.click();
      await page.waitForURL(`${d.base}/channels/${channel.id}`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(channel.title);
    });

    it('keyboard: Enter on a register row opens the edit form, Escape closes it and the focus returns to the row', async () => {
      const { page, problems } = await open('/register');
      const rows = page.getByTestId('channels-table').locator('tbody tr');
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(2);
      const focused = () =>
        page.evaluate(() => ({
          row: document.activeElement?.getAttribute('data-row-key') ?? null,
          inDialog: document.activeElement?.closest('dialog') !== null,
        }));
      let presses = 0;
      while ((await focused()).row === null && presses < 60) {
        await page.keyboard.press('Tab');
        presses++;
      }
      await page.keyboard.press('ArrowDown');
      const row = (await focused()).row;
      expect(row).toMatch(/^\d+$/);
      await page.keyboard.press('Enter');
      await expect.poll(() => new URL(page.url()).searchParams.get('edit')).toBe(row);
      await expect.poll(async () => (await focused()).inDialog).toBe(true);
      await page.locator('dialog form').waitFor({ timeout: 20_000 });
      await page.keyboard.press('Tab');
      expect((await focused()).inDialog).toBe(true);
      await page.keyboard.press('Escape');
      await expect.poll(() => new URL(page.url()).searchParams.get('edit')).toBeNull();
      await expect.poll(async () => (await focused()).row).toBe(row);
      expect(problems).toEqual([]);
    });

    it("region: the municipalities section opens the rating of the region's municipalities", async () => {
      const region = seeded.channels.find((c) => c.category === 'school')!.region_code;
      const { page, problems } = await open(`/regions/${region}`);
      const link = page.getByTestId('municipalities-rating-link');
      await expect.poll(() => link.count(), { timeout: 20_000 }).toBe(1);
      await link.click();
      await page.waitForURL(
        `${d.base}/rating?methodology=places-average&scope=municipalities&region=${region}`,
      );
      await expect
        .poll(() => page.getByTestId('rating-table').locator('tbody tr').count(), { timeout: 20_000 })
        .toBeGreaterThan(0);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Рейтинг муниципалитетов');
      expect(problems).toEqual([]);
    });
  });
}
