import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelView } from '../../src/register/channel.schema.ts';
import { upsertPopulation } from '../../src/register/region.repository.ts';
import { formatNumber } from '../../src/web/client/format.ts';
import { type Dashboard, SHOTS, startDashboard } from '../helpers/dashboard.ts';

/**
 * The dashboard end to end: the real Vite build served by the real server on an in-memory SQLite store
 * (demo mode, channels created through the API), driven by Debian's Chromium through playwright-core
 * (setup in test/helpers/dashboard.ts). Screenshots of every page go to test-artifacts/screenshots/.
 */

interface ChannelPage {
  items: ChannelView[];
  total: number;
}
interface RegionList {
  items: { code: string; name_ru: string; population: number | null }[];
  total: number;
}

const SEED = [
  {
    nickname: 'glava_rb_gos',
    title: 'Глава Республики Башкортостан',
    category: 'regional_government',
    region_code: 'RU-BA',
  },
  {
    nickname: 'school12ufa_gos',
    title: 'Средняя школа № 12 г. Уфа',
    category: 'school',
    region_code: 'RU-BA',
  },
  {
    nickname: 'school5str_gos',
    title: 'Школа № 5 г. Стерлитамак',
    category: 'school',
    region_code: 'RU-BA',
    status: 'candidate',
  },
  {
    nickname: 'minzdrav_rb_gos',
    title: 'Минздрав Башкортостана',
    category: 'executive_body',
    region_code: 'RU-BA',
  },
  { nickname: 'mosmayor_gos', title: 'Мэр Москвы', category: 'regional_government', region_code: 'RU-MOW' },
  { nickname: 'kazan_school3_gos', title: 'Школа № 3 г. Казань', category: 'school', region_code: 'RU-TA' },
];

let dashboard: Dashboard;
let base: string;
const problemsByPage = new WeakMap<Page, string[]>();

function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  return dashboard.api<T>(method, path, body);
}

async function open(
  path: string,
  options: { lang?: string } = {},
): Promise<{ page: Page; context: BrowserContext }> {
  const opened = await dashboard.open(path, options);
  problemsByPage.set(opened.page, opened.problems);
  return opened;
}

function problemsOf(page: Page): string[] {
  return problemsByPage.get(page) ?? [];
}

async function shot(page: Page, name: string): Promise<void> {
  await dashboard.shot(page, name);
}

function csv(rows: string[][]): Buffer {
  return Buffer.from(`${rows.map((r) => r.join(';')).join('\r\n')}\r\n`, 'utf8');
}

beforeAll(async () => {
  dashboard = await startDashboard({ config: { demo: true } });
  base = dashboard.base;
  for (const channel of SEED) {
    const created = await api('POST', '/api/channels', { platform: 'max', ...channel });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
}, 240_000);

afterAll(async () => {
  await dashboard?.close();
});

describe('dashboard in Chromium', { timeout: 90_000 }, () => {
  it('overview shows the real totals, the demo banner and, before any collection, the analytics placeholder', async () => {
    const { page, context } = await open('/');
    const regions = (await api<RegionList>('GET', '/api/regions')).body;
    const population = regions.items.reduce((sum, r) => sum + (r.population ?? 0), 0);
    await expect
      .poll(() => page.getByTestId('figure-regions').locator('dd').first().textContent())
      .toBe('89');
    await expect
      .poll(() => page.getByTestId('figure-population').locator('dd').first().textContent())
      .toBe(formatNumber(population, 'ru'));
    expect(formatNumber(population, 'ru')).toBe('148\u00a0241\u00a0321');
    await expect
      .poll(() => page.getByTestId('figure-channels').locator('dd').first().textContent())
      .toBe(String(SEED.length));
    await expect
      .poll(() => page.getByTestId('figure-active').locator('dd').first().textContent())
      .toBe(String(SEED.filter((c) => c.status === undefined).length));
    expect(await page.getByTestId('demo-banner').textContent()).toContain('Демо-данные: эмулятор MAX');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Обзор');
    expect(await page.getByText('Показатели охвата появятся после первого сбора данных').count()).toBe(1);
    // Every section is open (nothing marked «скоро»).
    expect(await page.locator('.site-nav__link--disabled').count()).toBe(0);
    expect(
      await page.getByRole('navigation', { name: 'Основные разделы' }).getByRole('link').allTextContents(),
    ).toEqual(['Обзор', 'Рейтинг', 'Регионы', 'Реестр', 'Сбор данных', 'Методика']);
    await shot(page, 'overview');
    expect(problemsOf(page)).toEqual([]);
    await context.close();
  });

  it('regions page lists 89 regions, colours 89 map regions and opens a region from the map', async () => {
    const { page, context } = await open('/regions');
    const regions = (await api<RegionList>('GET', '/api/regions')).body;
    const withPopulation = regions.items.filter((r) => r.population !== null).length;
    await expect.poll(() => page.getByTestId('regions-table').locator('tbody tr').count()).toBe(89);
    const map = page.getByTestId('region-map');
    await expect.poll(() => map.getAttribute('data-series-count'), { timeout: 20_000 }).toBe('89');
    await expect.poll(() => map.getAttribute('data-matched')).toBe('89');
    await expect.poll(() => map.getAttribute('data-colored')).toBe(String(withPopulation));
    expect(
      Number(await map.getAttribute('data-colored')) + Number(await map.getAttribute('data-no-data')),
    ).toBe(89);
    expect(withPopulation).toBe(86);
    await shot(page, 'regions');

    // Hover the middle of the map: the tooltip names a region; clicking there opens that region.
    const box = await map.boundingBox();
    if (!box) throw new Error('map has no box');
    const point = { x: box.x + box.width * 0.5, y: box.y + box.height * 0.45 };
    await page.mouse.move(point.x, point.y);
    const tooltip = page.locator('.map-tip');
    await expect.poll(() => tooltip.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const hovered = (await tooltip.locator('strong').first().textContent()) ?? '';
    expect(regions.items.map((r) => r.name_ru)).toContain(hovered);
    expect(await tooltip.first().textContent()).toMatch(/Население: [\d\u00a0]+ чел\./);
    await page
      .locator('.panel')
      .first()
      .screenshot({ path: join(SHOTS, 'regions-map-hover.png') });
    await page.mouse.click(point.x, point.y);
    const code = regions.items.find((r) => r.name_ru === hovered)?.code;
    await page.waitForURL(`${base}/regions/${code}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(hovered);
    expect(problemsOf(page)).toEqual([]);
    await context.close();
  });

  it('region page shows its figures, population history chart and its channels', async () => {
    await upsertPopulation(dashboard.store.db, [
      { region_code: 'RU-BA', as_of: '2026-01-01', population: 4_050_000, source: 'e2e test' },
    ]);
    const { page, context } = await open('/regions/RU-BA');
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Республика Башкортостан');
    await expect
      .poll(() => page.getByTestId('figure-region-population').locator('dd').first().textContent())
      .toBe('4\u00a0050\u00a0000');
    expect(await page.getByTestId('figure-region-population').textContent()).toContain(
      'по состоянию на 01.01.2026',
    );
    await expect.poll(() => page.locator('.chart canvas').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('.chart').getAttribute('aria-label')).toBe('Численность населения по датам');
    const titles = page.getByTestId('channels-table').locator('tbody tr .cell-main');
    await expect.poll(() => titles.count()).toBe(4);
    expect((await titles.allTextContents()).sort()).toEqual(
      SEED.filter((c) => c.region_code === 'RU-BA')
        .map((c) => c.title)
        .sort(),
    );
    await shot(page, 'region');
    await context.close();
  });

  it('register filters by region and text; the deep link reloads to the same state', async () => {
    const { page, context } = await open('/register');
    const rows = page.getByTestId('channels-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(SEED.length);
    await page.getByLabel('Регион').selectOption('RU-BA');
    await expect.poll(() => rows.count()).toBe(4);
    await page.getByLabel('Поиск').fill('школа');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('школа');
    await expect.poll(() => rows.count()).toBe(2);
    const expected = (
      await api<ChannelPage>('GET', `/api/channels?region=RU-BA&q=${encodeURIComponent('школа')}`)
    ).body;
    const titles = async () => (await rows.locator('.cell-main').allTextContents()).sort();
    expect(await titles()).toEqual(expected.items.map((c) => c.title).sort());
    expect(await titles()).toEqual(['Средняя школа № 12 г. Уфа', 'Школа № 5 г. Стерлитамак']);

    await page.getByRole('button', { name: 'Название', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('title');
    const url = page.url();
    await page.reload();
    await expect.poll(() => rows.count()).toBe(2);
    expect(page.url()).toBe(url);
    expect(await page.getByLabel('Регион').inputValue()).toBe('RU-BA');
    expect(await page.getByLabel('Поиск').inputValue()).toBe('школа');
    expect(await rows.locator('.cell-main').allTextContents()).toEqual([
      'Средняя школа № 12 г. Уфа',
      'Школа № 5 г. Стерлитамак',
    ]);
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('Название');
    await shot(page, 'register-filtered');
    await context.close();
  });

  it('the edit form shows API validation errors next to the field, then saves', async () => {
    const { page, context } = await open('/register?q=mosmayor');
    const row = page.getByTestId('channels-table').locator('tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    // A click on the row (not on the title, which links to the channel's page) opens the edit form.
    await row.first().locator('td').nth(3).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const nickname = dialog.getByLabel('Ник или адрес');
    await nickname.fill('плохой ник!');
    await dialog.getByRole('button', { name: 'Сохранить' }).click();
    await expect.poll(() => nickname.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await nickname.getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
    expect(errorId).toBeDefined();
    expect((await page.locator(`[id="${errorId}"]`).textContent())?.length).toBeGreaterThan(5);
    await shot(page, 'register-edit-error');

    await nickname.fill('mosmayor_gos');
    await dialog.getByLabel('Название').fill('Мэр Москвы — официальный канал');
    await dialog.getByRole('button', { name: 'Сохранить' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    const saved = (await api<ChannelPage>('GET', '/api/channels?q=mosmayor')).body.items[0];
    expect(saved?.title).toBe('Мэр Москвы — официальный канал');
    expect(saved?.nickname).toBe('mosmayor_gos');
    await expect
      .poll(() => row.first().locator('.cell-main').textContent())
      .toBe('Мэр Москвы — официальный канал');
    await context.close();
  });

  it('the import wizard shows row errors for a bad file and commits a good one', async () => {
    const { page, context } = await open('/register/import');
    const header = ['Платформа', 'Никнейм', 'Название', 'Категория', 'Регион', 'Статус'];
    const bad = csv([
      header,
      [
        'MAX',
        'import_ok_gos',
        'Импорт: администрация Ижевска',
        'Местное самоуправление',
        'RU-UD',
        'Действует',
      ],
      ['MAX', 'import_bad_gos', 'Импорт: неизвестный регион', 'Школа', 'Нарния', 'Действует'],
    ]);
    await page
      .getByTestId('import-file')
      .setInputFiles({ name: 'каналы.csv', mimeType: 'text/csv', buffer: bad });
    const errors = page.getByTestId('import-errors').locator('tbody tr');
    await expect.poll(() => errors.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const cells = await errors.first().locator('td').allTextContents();
    expect(cells.slice(0, 4)).toEqual(['каналы.csv', '3', 'Регион', 'Нарния']);
    expect(cells[4]).toContain('Нарния');
    expect(await page.getByRole('button', { name: 'Импортировать' }).isDisabled()).toBe(true);
    await shot(page, 'import-errors');
    expect((await api<ChannelPage>('GET', '/api/channels?q=import_')).body.total).toBe(0);

    const good = csv([
      header,
      [
        'MAX',
        'import_ok_gos',
        'Импорт: администрация Ижевска',
        'Местное самоуправление',
        'RU-UD',
        'Действует',
      ],
      [
        'MAX',
        'import_school_gos',
        'Импорт: школа № 1 г. Сарапул',
        'Школа',
        'Удмуртская Республика',
        'Действует',
      ],
    ]);
    await page
      .getByTestId('import-file')
      .setInputFiles({ name: 'каналы.csv', mimeType: 'text/csv', buffer: good });
    const summary = page.getByTestId('import-summary');
    await expect
      .poll(() => summary.locator('[data-summary="created"] dd').textContent(), { timeout: 20_000 })
      .toBe('2');
    expect((await api<ChannelPage>('GET', '/api/channels?q=import_')).body.total).toBe(0);
    await page.getByRole('button', { name: 'Импортировать' }).click();
    const result = page.getByTestId('import-result');
    await expect
      .poll(() => result.locator('[data-summary="created"] dd').textContent(), { timeout: 20_000 })
      .toBe('2');
    await shot(page, 'import-done');
    const imported = (await api<ChannelPage>('GET', '/api/channels?q=import_&sort=nickname')).body;
    expect(imported.items.map((c) => [c.nickname, c.region_code])).toEqual([
      ['import_ok_gos', 'RU-UD'],
      ['import_school_gos', 'RU-UD'],
    ]);
    await context.close();
  });

  it('the language switch changes the interface and stays in the URL and storage', async () => {
    const { page, context } = await open('/regions');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Регионы');
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Regions');
    expect(new URL(page.url()).searchParams.get('lang')).toBe('en');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page
      .getByRole('navigation', { name: 'Main sections' })
      .getByRole('link', { name: 'Overview' })
      .click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Overview');
    expect(new URL(page.url()).searchParams.get('lang')).toBe('en');
    const regions = (await api<RegionList>('GET', '/api/regions')).body;
    const population = regions.items.reduce((sum, r) => sum + (r.population ?? 0), 0);
    await expect
      .poll(() => page.getByTestId('figure-population').locator('dd').first().textContent())
      .toBe(formatNumber(population, 'en'));
    expect(formatNumber(population, 'en')).toMatch(/^148,2\d\d,\d{3}$/);
    await shot(page, 'overview-en');
    // A fresh visit without ?lang remembers English from localStorage.
    await page.goto(`${base}/register`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Channel register');
    expect(new URL(page.url()).searchParams.get('lang')).toBe('en');
    await page.getByRole('button', { name: 'Русский' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Реестр каналов');
    expect(new URL(page.url()).searchParams.get('lang')).toBeNull();
    await context.close();
  });

  it('keyboard: Tab reaches the table, arrows move between rows, Enter opens one', async () => {
    const { page, context } = await open('/regions?sort=-population');
    const table = page.getByTestId('regions-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(89);
    const focusedRow = () =>
      page.evaluate(() => document.activeElement?.getAttribute('data-row-key') ?? null);
    let presses = 0;
    while ((await focusedRow()) === null && presses < 60) {
      await page.keyboard.press('Tab');
      presses++;
    }
    expect(await focusedRow()).toBe('RU-MOW');
    await page.keyboard.press('ArrowDown');
    expect(await focusedRow()).toBe('RU-MOS');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    expect(await focusedRow()).toBe('RU-MOS');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/regions/RU-MOS`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Московская область');
    await context.close();
  });

  it('prints without navigation or controls', async () => {
    const { page, context } = await open('/regions?fd=Дальневосточный');
    await expect.poll(() => page.getByTestId('regions-table').locator('tbody tr').count()).toBe(11);
    await expect.poll(() => page.getByTestId('region-map').getAttribute('data-series-count')).toBe('89');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-nav').isVisible()).toBe(false);
    expect(await page.locator('.filter-bar').isVisible()).toBe(false);
    expect(await page.getByTestId('regions-table').isVisible()).toBe(true);
    await shot(page, 'regions-print');
    await context.close();
  });

  it('serves deep links to the app and keeps /api 404s as JSON', async () => {
    const page = await fetch(`${base}/regions/RU-BA?lang=en`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<div id="root"></div>');
    const missing = await fetch(`${base}/api/no-such-thing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
