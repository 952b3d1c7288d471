import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { ZodApp } from '../../src/api/server.ts';
import type { Config } from '../../src/config/config.ts';
import type { AppContext } from '../../src/shared/app-context.ts';
import { ensureWebBuilt } from '../../src/web/assets.ts';
import { startTestServer, type TestServer } from './api.ts';
import { openPostgresTestStore, openSqliteTestStore, PG_URL, type TestStore } from './stores.ts';

/**
 * The dashboard end to end: the real Vite build served by the real server on a test store (SQLite, or
 * PostgreSQL in a fresh schema), driven by Debian's Chromium through playwright-core. One helper for every
 * e2e suite: `startDashboard()` in beforeAll, `dashboard.open(path)` per test, `dashboard.close()` after.
 * Requests without credentials act as an administrator (test/helpers/api.ts, `access: 'trusted'`), so the
 * suites test the dashboard; `startPublicServer()` gives the same store with real access control.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'screenshots');

export type DashboardDialect = 'sqlite' | 'postgres';

/** The dialects an e2e suite runs on: SQLite always, PostgreSQL when OHVAT_TEST_PG_URL is set. */
export const DASHBOARD_DIALECTS: DashboardDialect[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught page errors and console errors seen so far. */
  problems: string[];
}

export interface Dashboard {
  base: string;
  ctx: AppContext;
  app: ZodApp;
  store: TestStore;
  browser: Browser;
  open(path: string, options?: { lang?: string; width?: number; height?: number }): Promise<OpenedPage>;
  /** Full-page screenshot to test-artifacts/screenshots/<name>.png. */
  shot(page: Page, name: string): Promise<string>;
  api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /**
   * A second server on the same store with access control exactly as `ohvat serve` runs it (anonymous is
   * anonymous), for what a visitor who has not signed in sees.
   */
  startPublicServer(config?: Partial<Config>): Promise<TestServer>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

export async function startDashboard(
  options: { dialect?: DashboardDialect; config?: Partial<Config>; sqlitePath?: string } = {},
): Promise<Dashboard> {
  if (!(await ensureWebBuilt())) throw new Error('the dashboard must build');
  mkdirSync(SHOTS, { recursive: true });
  const store =
    options.dialect === 'postgres'
      ? await openPostgresTestStore()
      : await openSqliteTestStore(options.sqlitePath ?? ':memory:');
  const server = await startTestServer(
    store,
    { logLevel: 'silent', ...options.config },
    { access: 'trusted' },
  );
  const { app, ctx, url: base } = server;
  const browser = await launchChromium();
  const extraServers: TestServer[] = [];

  const open: Dashboard['open'] = async (path, opts = {}) => {
    const context = await browser.newContext({
      viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
      locale: opts.lang ?? 'ru-RU',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${base}${path}`);
    return { page, context, problems };
  };

  const api: Dashboard['api'] = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  return {
    base,
    ctx,
    app,
    store,
    browser,
    open,
    api,
    startPublicServer: async (config = {}) => {
      const extra = await startTestServer(
        store,
        { logLevel: 'silent', ...options.config, ...config },
        { access: 'real' },
      );
      extraServers.push(extra);
      return extra;
    },
    shot: async (page, name) => {
      const path = join(SHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: async () => {
      await browser.close();
      for (const extra of extraServers) await extra.close();
      await app.close();
      await store.dispose();
    },
  };
}
