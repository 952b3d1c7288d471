import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type Dashboard, type DashboardDialect, type OpenedPage, startDashboard } from './dashboard.ts';
import { type SeededDashboard, seedDashboard } from './dashboard-seed.ts';

/**
 * One e2e suite's setup over a seeded register: call inside `describe` on a dialect; the dashboard starts
 * (demo mode) and is seeded in beforeAll, pages opened through `open` are closed and everything is
 * disposed in afterAll. Screenshots are taken on the SQLite run only (the pages are the same).
 */
export interface SeededSuite {
  readonly d: Dashboard;
  readonly seeded: SeededDashboard;
  open(path: string, options?: { lang?: string }): Promise<OpenedPage>;
  shot(page: Page, name: string): Promise<void>;
}

export function seededDashboardSuite(dialect: DashboardDialect): SeededSuite {
  let dashboard: Dashboard | undefined;
  let data: SeededDashboard | undefined;
  const opened: OpenedPage[] = [];
  beforeAll(async () => {
    dashboard = await startDashboard({ dialect, config: { demo: true } });
    data = await seedDashboard(dashboard.store.db);
  }, 240_000);
  afterAll(async () => {
    for (const o of opened) await o.context.close().catch(() => {});
    await dashboard?.close();
  });
  const started = () => {
    if (!dashboard || !data) throw new Error('the dashboard suite has not started');
    return { dashboard, data };
  };
  return {
    get d() {
      return started().dashboard;
    },
    get seeded() {
      return started().data;
    },
    open: async (path, options = {}) => {
      const o = await started().dashboard.open(path, options);
      opened.push(o);
      return o;
    },
    shot: async (page, name) => {
      if (dialect === 'sqlite') await started().dashboard.shot(page, name);
    },
  };
}
