import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RatingTable } from '../../src/web/client/api.ts';
import { formatNumber } from '../../src/web/client/format.ts';
import { DASHBOARD_DIALECTS, type Dashboard, SHOTS } from '../helpers/dashboard.ts';
import type { SeededDashboard } from '../helpers/dashboard-seed.ts';
import { seededDashboardSuite } from '../helpers/dashboard-suite.ts';

/**
 * The rating end to end, on a register seeded with 40 days of observations (test/helpers/dashboard-seed.ts):
 * the table (sorting, search, place changes, methodology switch), the map, the XLSX export, published
 * ratings, the methodology text, keyboard use, printing to A4 PDF, and what a visitor who has not signed
 * in sees. The other analytics pages: e2e-pages.test.ts. Runs on SQLite, and on PostgreSQL when
 * OHVAT_TEST_PG_URL is set; screenshots from the SQLite run.
 */

const PDFTOPPM = '/usr/bin/pdftoppm';
const PDFTOTEXT = '/usr/bin/pdftotext';

for (const dialect of DASHBOARD_DIALECTS) {
  describe(`analytics pages in Chromium (${dialect})`, { timeout: 120_000 }, () => {
    const suite = seededDashboardSuite(dialect);
    const { open, shot } = suite;
    let d: Dashboard;
    let seeded: SeededDashboard;
    beforeAll(() => {
      d = suite.d;
      seeded = suite.seeded;
    });
    const rating = async (query: string) => (await d.api<RatingTable>('GET', `/api/ratings?${query}`)).body;

    it('rating: the table, its sorting and search, place-change arrows and the map of 89 regions', async () => {
      const { page, problems } = await open('/rating');
      const table = page.getByTestId('rating-table');
      const rows = table.locator('tbody tr');
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(89);
      const live = await rating('methodology=dialog-2025');
      expect(live.asOf).toBe(seeded.lastDay);
      const ranked = live.rows.filter((r) => r.place !== null);
      // Unranked: regions without a government channel, and those without an official population figure.
      const regions = (
        await d.api<{ items: { code: string; population: number | null }[] }>('GET', '/api/regions')
      ).body.items;
      const withoutPopulation = regions.filter(
        (r) => r.population === null && !seeded.regionsWithoutGovernment.includes(r.code),
      );
      expect(withoutPopulation.length).toBe(3);
      expect(ranked.length).toBe(89 - seeded.regionsWithoutGovernment.length - withoutPopulation.length);

      // Default order: by place, as the API ranks them; the first row's figures are the API's.
      const firstCells = await rows.first().locator('td').allTextContents();
      const first = [...live.rows].sort((a, b) => (a.place ?? 999) - (b.place ?? 999))[0]!;
      expect(firstCells[0]).toBe(formatNumber(first.place, 'ru'));
      expect(firstCells[1]).toBe(first.name);
      expect(firstCells[4]).toContain(formatNumber(first.indicators.subscribers?.value, 'ru'));
      expect(await page.getByTestId('rating-as-of').textContent()).toContain(
        `Рейтинг на ${seeded.lastDay.split('-').reverse().join('.')}`,
      );

      // Place changes: every row the API moved up shows ▲ with the number of places.
      const movedUp = live.rows.filter((r) => (r.placeChange ?? 0) > 0);
      const arrowsUp = await table.locator('.change--up').allTextContents();
      expect(arrowsUp.length).toBe(movedUp.length);
      for (const text of arrowsUp) expect(text).toMatch(/^▲\d+поднялся на \d+$/);
      expect(await table.locator('.change--down').count()).toBe(
        live.rows.filter((r) => (r.placeChange ?? 0) < 0).length,
      );

      // The map: 89 regions drawn, those with a place coloured, the rest hatched grey.
      const map = page.getByTestId('region-map');
      await expect.poll(() => map.getAttribute('data-series-count'), { timeout: 20_000 }).toBe('89');
      await expect.poll(() => map.getAttribute('data-matched')).toBe('89');
      await expect.poll(() => map.getAttribute('data-colored')).toBe(String(ranked.length));
      expect(await map.getAttribute('data-no-data')).toBe(String(89 - ranked.length));
      expect(await page.locator('.map-legend__item').count()).toBeGreaterThanOrEqual(4);
      await shot(page, 'rating');

      // Sort by subscribers (largest first), then search.
      await page.getByRole('button', { name: 'Подписчики', exact: true }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('-i.subscribers');
      const bySubscribers = [...live.rows]
        .filter((r) => r.indicators.subscribers?.value !== null)
        .sort((a, b) => (b.indicators.subscribers?.value ?? 0) - (a.indicators.subscribers?.value ?? 0));
      await expect
        .poll(async () => (await rows.locator('td:nth-child(2)').allTextContents()).slice(0, 5))
        .toEqual(bySubscribers.slice(0, 5).map((r) => r.name));
      await page.getByLabel('Поиск').fill('башк');
      await expect.poll(() => rows.count()).toBe(1);
      expect(await rows.first().locator('td').nth(1).textContent()).toBe('Республика Башкортостан');
      await page.reload();
      await expect.poll(() => rows.count()).toBe(1);
      expect(new URL(page.url()).searchParams.get('q')).toBe('башк');

      // The map by another indicator: the legend changes to subscriber figures.
      await page.goto(`${d.base}/rating?indicator=subscribers`);
      const withSubscribers = live.rows.filter((r) => (r.indicators.subscribers?.value ?? null) !== null);
      expect(withSubscribers.length).toBe(89 - seeded.regionsWithoutGovernment.length);
      await expect
        .poll(() => map.getAttribute('data-colored'), { timeout: 20_000 })
        .toBe(String(withSubscribers.length));
      expect(await page.locator('#rating-map-title').textContent()).toBe('Карта: Подписчики');
      await map.scrollIntoViewIfNeeded();
      const box = await map.boundingBox();
      if (!box) throw new Error('map has no box');
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.45);
      await expect.poll(() => page.locator('.map-tip').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await page.locator('.map-tip').first().textContent()).toMatch(/Место: \d+|Без места/);
      expect(problems).toEqual([]);
    });

    it('rating: the date field shows and takes ДД.ММ.ГГГГ whatever the browser locale', async () => {
      const { page, problems } = await open('/rating');
      const field = page.getByLabel('Дата рейтинга');
      const ru = (day: string) => day.split('-').reverse().join('.');
      await expect.poll(() => field.inputValue(), { timeout: 20_000 }).toBe(ru(seeded.lastDay));
      // 31 February is not a day: the field says so and the rating stays as it is.
      await field.fill('31.02.2025');
      await field.press('Enter');
      await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByRole('alert').filter({ hasText: 'ДД.ММ.ГГГГ' }).count()).toBe(1);
      expect(new URL(page.url()).searchParams.get('date')).toBeNull();
      // A week earlier, typed the Russian way.
      const earlier = new Date(Date.parse(`${seeded.lastDay}T00:00:00Z`) - 7 * 86_400_000)
        .toISOString()
        .slice(0, 10);
      await field.fill(ru(earlier));
      await field.press('Enter');
      await expect.poll(() => new URL(page.url()).searchParams.get('date')).toBe(earlier);
      await expect
        .poll(() => page.getByTestId('rating-as-of').textContent())
        .toContain(`Рейтинг на ${ru(earlier)}`);
      expect(await field.inputValue()).toBe(ru(earlier));
      expect(await field.getAttribute('aria-invalid')).toBe('false');
      expect(problems).toEqual([]);
    });

    it('rating: switching the methodology changes the table, its description and the URL', async () => {
      const { page, problems } = await open('/rating');
      const rows = page.getByTestId('rating-table').locator('tbody tr');
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(89);
      const headers = () => page.getByTestId('rating-table').locator('thead th').allTextContents();
      expect((await headers()).join('|')).toContain('Подписчики на 1 000 жителей');
      await page.getByLabel('Методика', { exact: true }).selectOption('network');
      await expect.poll(() => new URL(page.url()).searchParams.get('methodology')).toBe('network');
      await expect.poll(async () => (await headers()).join('|')).toContain('Каналы на 100 000 жителей');
      expect((await headers()).join('|')).toContain('Балл (0–100)');
      expect(await page.getByTestId('methodology-note').textContent()).toContain(
        'Сеть официальных каналов региона',
      );
      const network = await rating('methodology=network');
      const best = network.rows.find((r) => r.place === 1)!;
      await expect.poll(() => rows.first().locator('td').nth(1).textContent()).toBe(best.name);
      await shot(page, 'rating-network');
      expect(problems).toEqual([]);
    });

    it('rating scopes: channels of a category (and of one region), municipalities of a region; URL, table, export', async () => {
      const { page, problems } = await open('/rating?methodology=places-average');
      const table = page.getByTestId('rating-table');
      const rows = table.locator('tbody tr');
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(89);
      await expect.poll(() => page.getByTestId('region-map').count(), { timeout: 20_000 }).toBe(1);
      const url = () => new URL(page.url()).searchParams;

      // Channels of one category: the scope and the category go to the URL, the map goes away.
      await page.getByLabel('Что оценивается').selectOption('channels');
      await expect.poll(() => url().get('scope')).toBe('channels');
      await page.getByLabel('Категория').selectOption('school');
      await expect.poll(() => url().get('category')).toBe('school');
      const schools = seeded.channels.filter((c) => c.category === 'school');
      expect(schools.length).toBeGreaterThan(3);
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(schools.length);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Рейтинг каналов');
      expect(await table.locator('thead th').nth(1).textContent()).toContain('Канал');
      expect(await page.getByTestId('region-map').count()).toBe(0);
      const channels = await rating('methodology=places-average&scope=channels&category=school');
      expect(channels.scope?.key).toBe('channels:school:*');
      expect(channels.rows.length).toBe(schools.length);
      expect(channels.rows.every((r) => r.place !== null)).toBe(true);
      // The first row is the API's first place; its figures are the API's, which are the seeded audience.
      const firstCells = await rows.first().locator('td').allTextContents();
      const top = channels.rows.find((r) => r.name === firstCells[1])!;
      expect(top.place).toBe(Math.min(...channels.rows.map((r) => r.place ?? Number.POSITIVE_INFINITY)));
      expect(firstCells[0]).toBe(formatNumber(top.place, 'ru'));
      const topSchool = schools.find((c) => String(c.id) === top.key)!;
      expect(top.indicators.subscribers?.value).toBe(seeded.latest.get(topSchool.id));
      expect(firstCells.join('|')).toContain(formatNumber(seeded.latest.get(topSchool.id), 'ru'));
      expect(await rows.first().getByRole('link').getAttribute('href')).toBe(`/channels/${topSchool.id}`);
      await shot(page, 'rating-channels');

      // The export is the same scope.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-xlsx').click(),
      ]);
      expect(download.suggestedFilename()).toContain('channels-school');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(await download.path());
      const sheet = workbook.getWorksheet('Рейтинг');
      if (!sheet) throw new Error('no sheet «Рейтинг»');
      expect((sheet.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['Место', 'ID канала', 'Канал']);
      expect(sheet.rowCount).toBe(schools.length + 1);

      // Within one region; a reload keeps every filter (deep link).
      const region = topSchool.region_code;
      await page.getByLabel('Регион', { exact: true }).selectOption(region);
      await expect.poll(() => url().get('region')).toBe(region);
      const inRegion = schools.filter((c) => c.region_code === region);
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(inRegion.length);
      await page.reload();
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(inRegion.length);
      expect(await rows.first().locator('td').nth(1).textContent()).toBe(topSchool.title);
      // Enter on a row opens the channel's page.
      await rows.first().focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`${d.base}/channels/${topSchool.id}`);
      // …whose «В рейтинге категории» leads back to its row in the rating of its category.
      await page.getByTestId('channel-rating-link').click();
      await expect.poll(() => url().get('scope')).toBe('channels');
      expect(url().get('category')).toBe('school');
      expect(url().get('methodology')).toBe('places-average');
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(1);
      expect(await rows.first().locator('td').nth(1).textContent()).toBe(topSchool.title);

      // Municipalities: a region must be chosen first, then the region's municipalities are rated.
      await page.goto(`${d.base}/rating?methodology=places-average&scope=municipalities`);
      await expect
        .poll(() => page.locator('.state').first().textContent(), { timeout: 20_000 })
        .toContain('Выберите регион');
      expect(await rows.count()).toBe(0);
      await page.getByLabel('Регион', { exact: true }).selectOption(region);
      await expect.poll(() => url().get('region')).toBe(region);
      expect(url().get('scope')).toBe('municipalities');
      const municipalities = await rating(`methodology=places-average&scope=municipalities&region=${region}`);
      const inTheRegion = seeded.channels.filter((c) => c.region_code === region);
      const municipal = inTheRegion.filter((c) => c.category !== 'regional_government');
      const government = inTheRegion.filter((c) => c.category === 'regional_government');
      expect(municipalities.rows.length).toBe(government.length > 0 ? 2 : 1);
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(municipalities.rows.length);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Рейтинг муниципалитетов');
      expect(await table.locator('thead th').nth(1).textContent()).toContain('Муниципалитет');
      const names = await rows.locator('td:nth-child(2)').allTextContents();
      expect(names).toContain('городской округ');
      if (government.length > 0) expect(names).toContain('Без муниципалитета');
      // The municipality's subscribers: the sum of its channels' audiences.
      const okrug = municipalities.rows.find((r) => r.key === 'городской округ')!;
      const sum = municipal.reduce((acc, c) => acc + (seeded.latest.get(c.id) ?? 0), 0);
      expect(okrug.indicators.subscribers?.value).toBe(sum);
      expect(okrug.place).not.toBeNull();
      const okrugRow = rows.filter({ hasText: 'городской округ' });
      expect((await okrugRow.locator('td').allTextContents()).join('|')).toContain(formatNumber(sum, 'ru'));
      expect(await page.getByTestId('region-map').count()).toBe(0);
      expect(await page.getByTestId('export-csv').getAttribute('href')).toContain(
        `scope=municipalities&region=${region}`,
      );
      await shot(page, 'rating-municipalities');

      // A methodology that rates only regions brings the regions back (scope and region leave the URL).
      await page.getByLabel('Методика', { exact: true }).selectOption('dialog-2025');
      await expect.poll(() => url().get('scope')).toBeNull();
      expect(url().get('region')).toBeNull();
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(89);
      expect(await page.getByLabel('Что оценивается').count()).toBe(0);
      // A link to a scope the methodology cannot rate explains itself instead of failing.
      await page.goto(`${d.base}/rating?scope=channels&category=school`);
      await expect
        .poll(() => page.locator('.state').first().textContent(), { timeout: 20_000 })
        .toContain('Эта методика не оценивает каналы');
      expect(problems).toEqual([]);
    });

    it('rating: the XLSX export downloads and parses with Russian headers and the same places', async () => {
      const { page } = await open('/rating');
      await expect
        .poll(() => page.getByTestId('rating-table').locator('tbody tr').count(), { timeout: 20_000 })
        .toBe(89);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-xlsx').click(),
      ]);
      expect(download.suggestedFilename()).toBe(`ohvat-rating-dialog-2025-${seeded.lastDay}.xlsx`);
      const path = await download.path();
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(path);
      const sheet = workbook.getWorksheet('Рейтинг');
      if (!sheet) throw new Error('no sheet «Рейтинг»');
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(header.slice(0, 4)).toEqual(['Место', 'Код', 'Регион', 'Балл']);
      expect(header).toContain('Подписчики на 1 000 жителей');
      expect(sheet.rowCount).toBe(90);
      const live = await rating('methodology=dialog-2025');
      const row2 = sheet.getRow(2).values as unknown[];
      const api = live.rows.find((r) => r.key === row2[2])!;
      expect(row2[1]).toBe(api.place);
      expect(workbook.getWorksheet('Методика')).toBeDefined();

      const [csv] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-csv').click(),
      ]);
      expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    });

    it('published ratings are listed and open unchanged', async () => {
      const { page, problems } = await open('/rating');
      const published = page.getByTestId('published-table').locator('tbody tr');
      await expect.poll(() => published.count(), { timeout: 20_000 }).toBe(1);
      expect(await published.first().textContent()).toContain('Рейтинг каналов правительств регионов (e2e)');
      await published.first().getByRole('link').click();
      await page.waitForURL(`${d.base}/rating/published/${seeded.publishedRatingId}`);
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toBe(`Опубликованный рейтинг № ${seeded.publishedRatingId}`);
      await expect
        .poll(() => page.getByTestId('rating-table').locator('tbody tr').count(), { timeout: 20_000 })
        .toBe(89);
      const stored = (await d.api<RatingTable>('GET', `/api/ratings/${seeded.publishedRatingId}`)).body;
      const first = stored.rows.find((r) => r.place === 1)!;
      expect(
        await page.getByTestId('rating-table').locator('tbody tr').first().locator('td').nth(1).textContent(),
      ).toBe(first.name);
      await shot(page, 'rating-published');
      expect(problems).toEqual([]);
    });

    it('methodology: every methodology, the document and the «Диалог Регионы» caveat', async () => {
      const { page, problems } = await open('/methodology');
      await expect.poll(() => page.getByTestId('methodology-list').locator('li').count()).toBe(4);
      const caveat = page.getByTestId('dialog-caveat');
      expect(await caveat.isVisible()).toBe(true);
      expect(await caveat.textContent()).toContain('не опубликовало формулу');
      expect(await page.getByTestId('methodology-document').textContent()).toContain(
        'Никакая взвешенная сумма',
      );
      await shot(page, 'methodology');
      await page.getByRole('link', { name: /Каналы правительств регионов/ }).click();
      await page.waitForURL(`${d.base}/methodology/dialog-2025`);
      await expect.poll(() => page.getByTestId('methodology-indicators').locator('tbody tr').count()).toBe(2);
      expect(await page.getByTestId('methodology-indicators').textContent()).toContain(
        'Σ подписчиков / численность населения × 1 000',
      );
      expect(await page.getByTestId('methodology-parameters').textContent()).toContain('rank_average');
      expect(await page.getByTestId('methodology-unknowns').locator('li').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('dialog-caveat').isVisible()).toBe(true);
      await shot(page, 'methodology-dialog-2025');
      await page.getByRole('link', { name: 'Открыть рейтинг' }).click();
      await page.waitForURL(/\/rating\?methodology=dialog-2025$/);
      expect(problems).toEqual([]);
    });

    it('a visitor who has not signed in sees the overview and the latest published rating, and is asked to sign in elsewhere', async () => {
      // Not demo mode: anonymous visitors get published ratings, methodologies, the overview and the regions.
      const visitorServer = await d.startPublicServer({ demo: false });
      const { page, problems } = await open('/');
      await page.goto(`${visitorServer.url}/rating`);
      const latest = page.getByTestId('latest-published');
      await expect
        .poll(() => latest.locator('[data-testid="rating-table"] tbody tr').count(), { timeout: 20_000 })
        .toBe(89);
      expect(await latest.textContent()).toContain('Рейтинг каналов правительств регионов (e2e)');
      expect(await page.getByTestId('export-xlsx').count()).toBe(0);
      await shot(page, 'rating-visitor');

      await page.goto(`${visitorServer.url}/`);
      await expect.poll(() => page.getByTestId('figure-subscribers').count(), { timeout: 20_000 }).toBe(1);
      // The register's own counts need a signed-in reader: they are left out, not shown as an error.
      await expect.poll(() => page.getByTestId('figure-channels').count()).toBe(0);
      expect(await page.locator('.state--error').count()).toBe(0);

      await page.goto(`${visitorServer.url}/collection`);
      await expect
        .poll(() => page.getByTestId('auth-required').count(), { timeout: 20_000 })
        .toBeGreaterThan(0);
      expect(await page.getByTestId('auth-required').first().textContent()).toContain('Нужен вход');
      // The only errors are the 401 answers the browser reports for the closed requests.
      expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    });

    it('keyboard: the rating table is reached with Tab, Enter opens the region', async () => {
      const { page } = await open('/rating');
      await expect
        .poll(() => page.getByTestId('rating-table').locator('tbody tr').count(), { timeout: 20_000 })
        .toBe(89);
      const focusedRow = () =>
        page.evaluate(() => document.activeElement?.getAttribute('data-row-key') ?? null);
      let presses = 0;
      while ((await focusedRow()) === null && presses < 40) {
        await page.keyboard.press('Tab');
        presses++;
      }
      const first = await focusedRow();
      expect(first).toMatch(/^RU-/);
      await page.keyboard.press('ArrowDown');
      const second = await focusedRow();
      expect(second).not.toBe(first);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${d.base}/regions/${second}`);
    });

    it('prints the rating to a clean A4 PDF: title, methodology and date, no controls, page numbers', async () => {
      const { page } = await open('/rating');
      await expect
        .poll(() => page.getByTestId('rating-table').locator('tbody tr').count(), { timeout: 20_000 })
        .toBe(89);
      await expect
        .poll(() => page.getByTestId('region-map').getAttribute('data-colored'), { timeout: 20_000 })
        .not.toBe('0');
      await page.emulateMedia({ media: 'print' });
      expect(await page.getByTestId('print-header').isVisible()).toBe(true);
      expect(await page.locator('.site-nav').isVisible()).toBe(false);
      expect(await page.locator('.filter-bar').first().isVisible()).toBe(false);
      expect(await page.getByTestId('export-xlsx').isVisible()).toBe(false);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
      expect(pages).toBeGreaterThanOrEqual(2);
      if (dialect !== 'sqlite') return;
      const file = join(SHOTS, 'rating-print.pdf');
      writeFileSync(file, pdf);
      if (existsSync(PDFTOTEXT)) {
        const text = execFileSync(PDFTOTEXT, ['-layout', file, '-']).toString();
        expect(text).toContain('Рейтинг регионов');
        expect(text).toContain('Каналы правительств регионов');
        expect(text).toContain(`Рейтинг на ${seeded.lastDay.split('-').reverse().join('.')}`);
        // Page numbers from the @page margin boxes: «1 / 4» on the first page, «4 / 4» on the last.
        expect(text).toMatch(new RegExp(`\\b1\\s*/\\s*${pages}\\b`));
        expect(text).toMatch(new RegExp(`\\b${pages}\\s*/\\s*${pages}\\b`));
        expect(text).not.toContain('Выгрузить XLSX');
      }
      if (existsSync(PDFTOPPM)) {
        execFileSync(PDFTOPPM, ['-png', '-r', '70', '-f', '1', '-l', '2', file, join(SHOTS, 'rating-print')]);
      }
    });

    // Last: it adds a published rating, which the tests above count.
    it('a published rating of channels names its scope in the list and opens with channel rows; in English too', async () => {
      const posted = await d.api<{ id: number; scope: string }>('POST', '/api/ratings', {
        methodology: 'places-average',
        scope: 'channels',
        category: 'school',
        date: seeded.lastDay,
        title: 'Рейтинг школ (e2e)',
      });
      expect(posted.status).toBe(201);
      expect(posted.body.scope).toBe('channels:school:*');
      const id = posted.body.id;
      const schools = seeded.channels.filter((c) => c.category === 'school');
      const { page, problems } = await open('/rating');
      const listed = page
        .getByTestId('published-table')
        .locator('tbody tr', { hasText: 'Рейтинг школ (e2e)' });
      await expect.poll(() => listed.count(), { timeout: 20_000 }).toBe(1);
      expect(await listed.textContent()).toContain('Каналы: Школа · все регионы');
      await listed.getByRole('link').click();
      await page.waitForURL(`${d.base}/rating/published/${id}`);
      const rows = page.getByTestId('rating-table').locator('tbody tr');
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(schools.length);
      expect(await page.getByTestId('rating-table').locator('thead th').nth(1).textContent()).toContain(
        'Канал',
      );
      expect(await page.getByTestId('region-map').count()).toBe(0);
      expect(await page.locator('.lead').allTextContents()).toContain(
        'Средний балл мест (по схеме ЭИСИ) · Каналы: Школа · все регионы · версия 1.0.0',
      );

      // The live page in English: the scope switch, its headings and the first column.
      await page.goto(`${d.base}/rating?methodology=places-average&scope=channels&category=school&lang=en`);
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(schools.length);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Rating of channels');
      expect(await page.getByLabel('What is rated').inputValue()).toBe('channels');
      expect(await page.getByTestId('rating-table').locator('thead th').nth(1).textContent()).toContain(
        'Channel',
      );
      await shot(page, 'rating-channels-en');
      expect(problems).toEqual([]);
    });
  });
}
