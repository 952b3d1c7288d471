import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { recordChange } from '../src/access/audit.repository.ts';
import type { Config } from '../src/config/config.ts';
import { bearer, seedAccess, signIn, startAccessServer } from './helpers/access.ts';
import { type ApiError, requestJson } from './helpers/api.ts';
import { launchChromium } from './helpers/dashboard.ts';
import { csvFile } from './helpers/import-files.ts';
import { describeEachDialect } from './helpers/stores.ts';

/** Security headers, size and rate limits, public access modes, the demo account, the audit log. */

const limits = (overrides: Partial<Config['limits']>): Config['limits'] => ({
  jsonBodyBytes: 1024 * 1024,
  uploadBytes: 20 * 1024 * 1024,
  requestsPerSecond: 100_000,
  burst: 100_000,
  loginAttemptsPerMinute: 1000,
  ...overrides,
});

describeEachDialect('hardening', (store) => {
  it('sends security headers on every answer, errors and 404 included', async () => {
    const server = await startAccessServer(store());
    try {
      for (const path of [
        '/api/regions',
        '/api/channels',
        '/api/no-such-route',
        '/healthz',
        '/api/docs/json',
      ]) {
        const r = await fetch(`${server.url}${path}`);
        expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
        expect(r.headers.get('x-frame-options'), path).toBe('DENY');
        expect(r.headers.get('referrer-policy'), path).toBe('same-origin');
        expect(r.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
        expect(r.headers.get('content-security-policy'), path).toContain("script-src 'self'");
        expect(r.headers.get('strict-transport-security'), path).toBeNull();
      }
      const api = await fetch(`${server.url}/api/regions`);
      expect(api.headers.get('content-security-policy')).toBe(
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
      );
    } finally {
      await server.close();
    }
  });

  it('limits body sizes: JSON and uploads separately (413)', async () => {
    const server = await startAccessServer(store(), {
      limits: limits({ jsonBodyBytes: 2000, uploadBytes: 50_000 }),
    });
    try {
      const f = await seedAccess(store().db);
      const admin = bearer(f.tokens.admin);
      const big = await requestJson<ApiError>(
        server.url,
        'PATCH',
        `/api/channels/${f.channels.own}`,
        { title: 'я'.repeat(3000) },
        admin,
      );
      expect(big.status).toBe(413);
      const rows = [['Никнейм', 'Категория', 'Регион']];
      for (let i = 0; rows.length < 400; i++) rows.push([`upload_limit_${i}`, 'Школа', 'RU-BA']);
      const file = csvFile(rows);
      expect(file.length).toBeGreaterThan(2000);
      expect(file.length).toBeLessThan(50_000);
      const fits = await fetch(`${server.url}/api/import/channels?dryRun=true`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'text/csv' },
        body: new Uint8Array(file),
      });
      expect(fits.status).toBe(200);
      const tooBig = await fetch(`${server.url}/api/import/channels`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'text/csv' },
        body: new Uint8Array(Buffer.concat([file, Buffer.alloc(60_000, 0x20)])),
      });
      expect(tooBig.status).toBe(413);
    } finally {
      await server.close();
    }
  });

  it('rate-limits per address and per token with 429 and Retry-After', async () => {
    const server = await startAccessServer(store(), { limits: limits({ requestsPerSecond: 0.5, burst: 5 }) });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await fetch(`${server.url}/api/regions`)).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses[6]).toBe(429);
      const limited = await fetch(`${server.url}/api/meta/lists`);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // The dashboard's files are not API calls: never limited.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
    // Per token: from ever-new addresses (behind a proxy) one token still runs out.
    const proxied = await startAccessServer(store(), {
      trustProxy: true,
      limits: limits({ requestsPerSecond: 0.5, burst: 5 }),
    });
    try {
      const f = await seedAccess(store().db);
      const call = (token: string, i: number) =>
        fetch(`${proxied.url}/api/channels`, {
          headers: { ...bearer(token), 'x-forwarded-for': `203.0.113.${i}` },
        });
      const statuses: number[] = [];
      for (let i = 1; i <= 7; i++) statuses.push((await call(f.tokens.analyst, i)).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses[6]).toBe(429);
      expect((await call(f.tokens.admin, 100)).status).toBe(200);
    } finally {
      await proxied.close();
    }
  });

  it('rejects unknown query parameters on every API route', async () => {
    const server = await startAccessServer(store());
    try {
      for (const path of [
        '/api/meta/lists?x=1',
        '/api/methodologies?debug=true',
        '/api/regions?foo=bar',
        '/api/auth/me?a=b',
      ]) {
        const r = await requestJson<ApiError>(server.url, 'GET', path);
        expect(r.status, path).toBe(400);
        expect(r.body.error.code).toBe('validation_failed');
      }
    } finally {
      await server.close();
    }
  });

  it("follows publicAccess: 'none' keeps everything but sign-in closed, 'read' opens reading only", async () => {
    const closed = await startAccessServer(store(), { publicAccess: 'none' });
    const open = await startAccessServer(store(), { publicAccess: 'read' });
    try {
      const f = await seedAccess(store().db);
      expect((await fetch(`${closed.url}/api/ratings/published`)).status).toBe(401);
      expect((await fetch(`${closed.url}/api/regions`)).status).toBe(401);
      expect((await fetch(`${closed.url}/api/meta/instance`)).status).toBe(200);
      const me = await requestJson<{ public_access: string; user: null }>(closed.url, 'GET', '/api/auth/me');
      expect(me.body).toMatchObject({ public_access: 'none', user: null });
      expect((await fetch(`${closed.url}/api/regions`, { headers: bearer(f.tokens.analyst) })).status).toBe(
        200,
      );

      expect((await fetch(`${open.url}/api/channels`)).status).toBe(200);
      expect((await fetch(`${open.url}/api/collection/status`)).status).toBe(200);
      expect(
        (await requestJson(open.url, 'PATCH', `/api/channels/${f.channels.own}`, { title: 'x' })).status,
      ).toBe(401);
      expect((await fetch(`${open.url}/api/audit`)).status).toBe(401);
      expect((await fetch(`${open.url}/api/users`, { headers: bearer(f.tokens.analyst) })).status).toBe(403);
    } finally {
      await closed.close();
      await open.close();
    }
  });

  it('in demo mode: anonymous reading, and the demo administrator demo/demo for editing', async () => {
    const server = await startAccessServer(store(), { demo: true });
    try {
      expect((await fetch(`${server.url}/api/channels`)).status).toBe(200);
      const me = await requestJson<{ demo_account: { login: string; password: string } | null }>(
        server.url,
        'GET',
        '/api/auth/me',
      );
      expect(me.body.demo_account).toEqual({ login: 'demo', password: 'demo' });
      const session = await signIn(server.url, 'demo', 'demo');
      const created = await requestJson(
        server.url,
        'POST',
        '/api/channels',
        { nickname: 'demo_edit', category: 'school', region_code: 'RU-BA' },
        {
          cookie: session.cookie,
          'x-csrf-token': session.csrf,
        },
      );
      expect(created.status).toBe(201);
    } finally {
      await server.close();
    }
    const normal = await startAccessServer(store());
    try {
      const me = await requestJson<{ demo_account: unknown }>(normal.url, 'GET', '/api/auth/me');
      expect(me.body.demo_account).toBeNull();
      const login = await requestJson(normal.url, 'POST', '/api/auth/login', {
        login: 'demo',
        password: 'demo',
      });
      expect(login.status).toBe(401);
    } finally {
      await normal.close();
    }
  });
});

describeEachDialect('audit log', (store) => {
  it('records who changed what with before and after, in an append-only log only admins read', async () => {
    const server = await startAccessServer(store());
    try {
      const f = await seedAccess(store().db);
      const operator = await signIn(server.url, 'ba-operator');
      const patched = await requestJson(
        server.url,
        'PATCH',
        `/api/channels/${f.channels.own}`,
        { title: '=HYPERLINK("http://evil")', status: 'candidate' },
        {
          cookie: operator.cookie,
          'x-csrf-token': operator.csrf,
          'x-forwarded-for': '198.51.100.1',
        },
      );
      expect(patched.status).toBe(200);
      const admin = bearer(f.tokens.admin);
      const log = await requestJson<{
        items: {
          actor_kind: string;
          actor_name: string;
          action: string;
          entity_id: string;
          region_code: string;
          before: unknown;
          after: unknown;
          ip: string;
        }[];
        total: number;
      }>(
        server.url,
        'GET',
        `/api/audit?entity=channel:${f.channels.own}&action=channel.update`,
        undefined,
        admin,
      );
      expect(log.status).toBe(200);
      expect(log.body.total).toBe(1);
      expect(log.body.items[0]).toMatchObject({
        actor_kind: 'user',
        actor_name: 'ba-operator',
        action: 'channel.update',
        entity_id: String(f.channels.own),
        region_code: 'RU-BA',
        before: { title: null, status: 'active' },
        after: { title: '=HYPERLINK("http://evil")', status: 'candidate' },
        ip: '127.0.0.1',
      });
      const byActor = await requestJson<{ total: number }>(
        server.url,
        'GET',
        '/api/audit?actor=ba-operator',
        undefined,
        admin,
      );
      expect(byActor.body.total).toBe(1);
      expect(
        (await requestJson(server.url, 'GET', '/api/audit', undefined, bearer(f.tokens.operator))).status,
      ).toBe(403);
      expect((await requestJson(server.url, 'GET', '/api/audit?unknown=1', undefined, admin)).status).toBe(
        400,
      );

      // A refused change leaves no entry; an import leaves a summary and one entry per channel.
      const before = (await requestJson<{ total: number }>(server.url, 'GET', '/api/audit', undefined, admin))
        .body.total;
      await requestJson(
        server.url,
        'PATCH',
        `/api/channels/${f.channels.other}`,
        { title: 'x' },
        bearer(f.tokens.operator),
      );
      const file = csvFile([
        ['Никнейм', 'Категория', 'Регион', 'Название'],
        ['bashkiria_gov', 'министерство', 'RU-BA', 'Обновлено импортом'],
        ['ufa_new', 'Школа', 'RU-BA', 'Новая школа'],
      ]);
      const imported = await fetch(`${server.url}/api/import/channels`, {
        method: 'POST',
        headers: { ...bearer(f.tokens.operator), 'content-type': 'text/csv' },
        body: new Uint8Array(file),
      });
      expect(imported.status).toBe(200);
      const after = await requestJson<{
        items: { action: string; actor_name: string; after: Record<string, unknown> }[];
        total: number;
      }>(server.url, 'GET', '/api/audit?per_page=10', undefined, admin);
      expect(after.body.total).toBe(before + 3);
      const actions = after.body.items
        .slice(0, 3)
        .map((e) => e.action)
        .sort();
      expect(actions).toEqual(['channel.create', 'channel.update', 'import.channels']);
      expect(after.body.items.every((e, i) => i >= 3 || e.actor_name === 'token:ba-bot')).toBe(true);
      const created = after.body.items.find((e) => e.action === 'channel.create')!;
      expect(created.after).toMatchObject({ row: 3, nickname: 'ufa_new', region_code: 'RU-BA' });

      // Routes audited by the access layer (declared in the permission table): a flag review.
      const confirmed = await requestJson(
        server.url,
        'POST',
        `/api/flags/${f.flags.own}/confirm`,
        { comment: 'проверено' },
        bearer(f.tokens.operator),
      );
      expect(confirmed.status).toBe(200);
      const flagLog = await requestJson<{
        items: { action: string; region_code: string; before: unknown; after: unknown }[];
      }>(server.url, 'GET', `/api/audit?entity=flag:${f.flags.own}`, undefined, admin);
      expect(flagLog.body.items).toHaveLength(1);
      expect(flagLog.body.items[0]).toMatchObject({
        action: 'flag.confirm',
        region_code: 'RU-BA',
        before: { status: 'open' },
        after: { status: 'confirmed', review_comment: 'проверено', reviewed_by: 'token:ba-bot' },
      });

      // The database refuses to rewrite history.
      await expect(
        store().db.updateTable('audit_log').set({ actor_name: 'someone else' }).execute(),
      ).rejects.toThrow(/append-only/);
      await expect(store().db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);

      // Exports: whatever the log holds, no cell becomes a formula.
      await recordChange(
        store().db,
        { principal: { kind: 'system', id: null, name: '=2+3', role: 'admin', regions: [] }, ip: '@evil' },
        { action: 'test.formula', entity_type: 'channel', entity_id: '-1+1', after: 'x' },
      );
      const csv = await fetch(`${server.url}/api/export/audit?format=csv`, { headers: admin });
      expect(csv.status).toBe(200);
      const cells = parse((await csv.text()).replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][];
      const hostile = cells.find((row) => row.includes('test.formula'))!;
      expect(hostile).toContain("'=2+3");
      expect(hostile).toContain("'-1+1");
      expect(hostile).toContain("'@evil");
      expect(cells.flat().filter((c) => /^[=+\-@]/.test(c))).toEqual([]);
      const xlsx = await fetch(`${server.url}/api/export/audit?format=xlsx`, { headers: admin });
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await xlsx.arrayBuffer());
      const sheet = workbook.getWorksheet('Журнал изменений')!;
      let formulas = 0;
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          if (cell.type === ExcelJS.ValueType.Formula) formulas++;
        }),
      );
      expect(formulas).toBe(0);
      expect(sheet.rowCount).toBe(after.body.total + 3);
      const names: unknown[] = [];
      sheet.eachRow((row) => names.push(row.getCell(4).value));
      expect(names).toContain('=2+3');
    } finally {
      await server.close();
    }
  });
});

it('serves the Swagger UI under its Content-Security-Policy without violations', async () => {
  const { openSqliteTestStore } = await import('./helpers/stores.ts');
  const store = await openSqliteTestStore();
  const server = await startAccessServer(store);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    const response = await page.goto(`${server.url}/api/docs`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
    expect(problems.filter((p) => /Content Security Policy|Refused/i.test(p))).toEqual([]);
  } finally {
    await browser.close();
    await server.close();
    await store.dispose();
  }
});
