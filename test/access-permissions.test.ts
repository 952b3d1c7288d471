import { expect, it } from 'vitest';
import { z } from 'zod';
import { registeredRoutes } from '../src/access/access.plugin.ts';
import { type Permission, ruleOf } from '../src/access/permissions.ts';
import {
  type AccessFixture,
  bearer,
  OTHER,
  OWN,
  PASSWORD,
  seedAccess,
  startAccessServer,
} from './helpers/access.ts';
import { csvFile } from './helpers/import-files.ts';
import { describeEachDialect } from './helpers/stores.ts';

/**
 * Every route of the server × every kind of caller. The routes are enumerated from Fastify itself (the
 * access plugin's onRoute hook): a route without an entry in the permission table fails this test. Each
 * route is then called by an administrator, an operator of RU-BA (in and out of their region where the
 * route has one), an analyst, an anonymous visitor and a revoked token; the answer must be an allowed one
 * (anything but 401/403, never a 5xx) or a refusal (401/403), as the table and the role say.
 */

type Caller = 'public' | 'revoked' | 'analyst' | 'operator' | 'admin';
type Where = 'own' | 'other' | null;

interface Call {
  path: string;
  body?: string;
  type?: string;
}

/** Requests for routes whose parameters, body or region matter; others get a generic call. */
type Fixture = (f: AccessFixture, where: 'own' | 'other') => Call;

const json = (value: unknown) => ({ body: JSON.stringify(value), type: 'application/json' });
const region = (where: 'own' | 'other') => (where === 'own' ? OWN : OTHER);

const FIXTURES: Record<string, { regional: boolean; call: Fixture }> = {
  'POST /api/channels': {
    regional: true,
    call: (_f, w) => ({
      path: '/api/channels',
      ...json({
        nickname: `new_${w}_${Math.random().toString(36).slice(2, 8)}`,
        category: 'school',
        region_code: region(w),
      }),
    }),
  },
  'PATCH /api/channels/:id': {
    regional: true,
    call: (f, w) => ({ path: `/api/channels/${f.channels[w]}`, ...json({ title: `Канал (${w})` }) }),
  },
  'DELETE /api/channels/:id': {
    regional: true,
    call: (f, w) => ({ path: `/api/channels/${f.channels[w]}` }),
  },
  'POST /api/organisations': {
    regional: true,
    call: (_f, w) => ({
      path: '/api/organisations',
      ...json({ name: `Орган ${w}`, category: 'executive_body', level: 'regional', region_code: region(w) }),
    }),
  },
  'PATCH /api/organisations/:id': {
    regional: true,
    call: (f, w) => ({
      path: `/api/organisations/${f.organisations[w]}`,
      ...json({ municipality: 'Центр' }),
    }),
  },
  'DELETE /api/organisations/:id': {
    regional: true,
    call: (f, w) => ({ path: `/api/organisations/${f.organisations[w]}` }),
  },
  'POST /api/flags/:id/confirm': {
    regional: true,
    call: (f, w) => ({ path: `/api/flags/${f.flags[w]}/confirm`, ...json({ comment: 'подтверждаю' }) }),
  },
  'POST /api/flags/:id/dismiss': {
    regional: true,
    call: (f, w) => ({ path: `/api/flags/${f.flags[w]}/dismiss`, ...json({ comment: 'ложная' }) }),
  },
  'POST /api/flags/:id/reopen': {
    regional: true,
    call: (f, w) => ({ path: `/api/flags/${f.flags[w]}/reopen`, ...json({ comment: 'ещё раз' }) }),
  },
  'POST /api/import/channels': {
    regional: true,
    call: (_f, w) => ({
      path: '/api/import/channels',
      type: 'text/csv',
      body: csvFile([
        ['Никнейм', 'Категория', 'Регион'],
        [`imported_${w}_${Math.random().toString(36).slice(2, 8)}`, 'Школа', region(w)],
      ]).toString('utf8'),
    }),
  },
  'POST /api/import/observations': {
    regional: true,
    call: (f, w) => ({
      path: '/api/import/observations',
      type: 'text/csv',
      body: csvFile([
        ['Канал', 'Дата', 'Подписчики'],
        [f.nicknames[w], '2026-11-01', String(1000 + Math.floor(Math.random() * 1000))],
      ]).toString('utf8'),
    }),
  },
  'POST /api/import/population': {
    regional: false,
    call: () => ({
      path: '/api/import/population',
      type: 'text/csv',
      body: csvFile([
        ['Регион', 'Дата', 'Численность', 'Источник'],
        [OWN, '2026-01-01', '4000000', 'Росстат'],
      ]).toString('utf8'),
    }),
  },
  'POST /api/auth/login': {
    regional: false,
    call: () => ({ path: '/api/auth/login', ...json({ login: 'analyst', password: PASSWORD }) }),
  },
  'POST /api/users': {
    regional: false,
    call: () => ({
      path: '/api/users',
      ...json({ login: `u${Math.random().toString(36).slice(2, 8)}`, role: 'analyst', password: PASSWORD }),
    }),
  },
  'PATCH /api/users/:id': {
    regional: false,
    call: (f) => ({ path: `/api/users/${f.users.analyst}`, ...json({ display_name: 'Аналитик' }) }),
  },
  'GET /api/users/:id': { regional: false, call: (f) => ({ path: `/api/users/${f.users.analyst}` }) },
  'POST /api/tokens': {
    regional: false,
    call: () => ({ path: '/api/tokens', ...json({ name: 'script', role: 'analyst' }) }),
  },
  'DELETE /api/tokens/:id': { regional: false, call: (f) => ({ path: `/api/tokens/${f.tokens.spare}` }) },
  'POST /api/ratings': {
    regional: false,
    call: () => ({ path: '/api/ratings', ...json({ methodology: 'dialog-2025' }) }),
  },
  'POST /api/flags/detect': {
    regional: false,
    call: () => ({ path: '/api/flags/detect', ...json({ days: 7 }) }),
  },
  'GET /api/channels/:id': { regional: false, call: (f) => ({ path: `/api/channels/${f.channels.own}` }) },
  'GET /api/methodologies/:id': { regional: false, call: () => ({ path: '/api/methodologies/dialog-2025' }) },
  'GET /api/regions/:code': { regional: false, call: () => ({ path: `/api/regions/${OWN}` }) },
  'GET /api/regions/:code/summary': {
    regional: false,
    call: () => ({ path: `/api/regions/${OWN}/summary` }),
  },
  'GET /*': { regional: false, call: () => ({ path: '/regions/RU-BA' }) },
};

/** A call for a route without a fixture: parameters filled in generically, an empty JSON body. */
function genericCall(method: string, url: string): Call {
  const path = url.replace(':id', '1').replace(':code', OWN).replace(/\*$/, 'index.html');
  return method === 'POST' || method === 'PATCH' || method === 'PUT' ? { path, ...json({}) } : { path };
}

function expected(need: Permission, caller: Caller, where: Where): 'allow' | 'deny' {
  if (caller === 'revoked') return 'deny';
  const signedIn = caller !== 'public';
  switch (need) {
    case 'open':
      return 'allow';
    case 'public':
      return 'allow'; // publicAccess 'ratings' (the default)
    case 'read':
    case 'signed_in':
      return signedIn ? 'allow' : 'deny';
    case 'edit':
      if (caller === 'admin') return 'allow';
      return caller === 'operator' && where !== 'other' ? 'allow' : 'deny';
    case 'admin':
      return caller === 'admin' ? 'allow' : 'deny';
  }
}

it('gives the routes the access the roles call for', () => {
  const need = (key: string) => {
    const [method, url] = key.split(' ') as [string, string];
    return ruleOf(method, url)?.need;
  };
  const expectations: Record<string, Permission> = {
    'GET /api/ratings/published': 'public',
    'GET /api/ratings/:id': 'public',
    'GET /api/methodologies': 'public',
    'GET /api/overview': 'public',
    'GET /api/regions': 'public',
    'GET /api/ratings': 'read',
    'GET /api/channels': 'read',
    'GET /api/export/channels': 'read',
    'POST /api/ratings': 'admin',
    'PATCH /api/channels/:id': 'edit',
    'POST /api/import/channels': 'edit',
    'POST /api/import/observations': 'edit',
    'POST /api/flags/:id/confirm': 'edit',
    'POST /api/flags/:id/dismiss': 'edit',
    'POST /api/users': 'admin',
    'DELETE /api/tokens/:id': 'admin',
    'GET /api/audit': 'admin',
    'GET /api/export/audit': 'admin',
    'POST /api/auth/login': 'open',
  };
  for (const [key, want] of Object.entries(expectations)) expect(need(key), key).toBe(want);
  expect(ruleOf('HEAD', '/api/regions')?.need).toBe('public');
  expect(ruleOf('GET', '/api/not-in-the-table')).toBeUndefined();
  expect(ruleOf('POST', '/api/docs/json')).toBeUndefined();
});

describeEachDialect('permission table', (store) => {
  it('covers every route and enforces it for every role and region', async () => {
    const server = await startAccessServer(store());
    try {
      const f = await seedAccess(store().db);
      const routes = registeredRoutes(server.app).filter(
        (r) => r.method !== 'HEAD' && r.method !== 'OPTIONS',
      );
      expect(routes.length).toBeGreaterThan(40);
      const missing = routes.filter((r) => !ruleOf(r.method, r.url)).map((r) => `${r.method} ${r.url}`);
      expect(missing, 'routes without a permission entry').toEqual([]);

      const headers: Record<Caller, Record<string, string>> = {
        public: {},
        revoked: bearer(f.tokens.revoked),
        analyst: bearer(f.tokens.analyst),
        operator: bearer(f.tokens.operator),
        admin: bearer(f.tokens.admin),
      };
      const problems: string[] = [];
      let calls = 0;
      // Administrators last: their changes (deletions, revocations) must not change what others see.
      const callers: Caller[] = ['public', 'revoked', 'analyst', 'operator', 'admin'];
      const check = async (caller: Caller, route: (typeof routes)[number], where: Where) => {
        const rule = ruleOf(route.method, route.url)!;
        const key = `${route.method} ${route.url}`;
        const fixture = FIXTURES[key];
        const call = fixture ? fixture.call(f, where ?? 'own') : genericCall(route.method, route.url);
        const response = await fetch(`${server.url}${call.path}`, {
          method: route.method,
          headers: { ...headers[caller], ...(call.type ? { 'content-type': call.type } : {}) },
          ...(call.body !== undefined ? { body: call.body } : {}),
        });
        const text = await response.text();
        calls++;
        const want = expected(rule.need, caller, where);
        const status = response.status;
        // Imports refuse rows outside the operator's regions by rejecting the file (422, row named).
        const importRefusal =
          caller === 'operator' &&
          where === 'other' &&
          key.startsWith('POST /api/import/') &&
          status === 422 &&
          text.includes('region');
        const denied = status === 401 || status === 403 || importRefusal;
        const crashed = status >= 500 && !(key === 'GET /*' && status === 503);
        if (crashed || (want === 'allow') === denied) {
          problems.push(
            `${caller}${where ? `/${where}` : ''} ${key} → ${status} (expected ${want}, need ${rule.need})`,
          );
        }
        if (caller === 'revoked' && status !== 401)
          problems.push(`revoked ${key} → ${status} (expected 401)`);
      };
      for (const caller of callers) {
        const work = routes.flatMap((route) =>
          (FIXTURES[`${route.method} ${route.url}`]?.regional ? (['own', 'other'] as const) : [null]).map(
            (where) => () => check(caller, route, where),
          ),
        );
        // A few requests at a time within one caller; callers one after another.
        for (let i = 0; i < work.length; i += 6) await Promise.all(work.slice(i, i + 6).map((w) => w()));
      }
      expect(problems).toEqual([]);
      expect(calls).toBeGreaterThan(200);
    } finally {
      await server.close();
    }
  });
});

/** The zod object inside wrappers (default, optional, pipe, refine) — or null when it is not an object. */
function objectOf(schema: unknown): z.ZodObject | null {
  let s: unknown = schema;
  for (let i = 0; i < 8 && s instanceof z.ZodType; i++) {
    if (s instanceof z.ZodObject) return s;
    const def = s.def as unknown as Record<string, unknown>;
    s = def.innerType ?? def.in ?? def.schema ?? null;
  }
  return null;
}

it('validates every API body and query with a strict schema (unknown fields are refused)', async () => {
  const { openSqliteTestStore } = await import('./helpers/stores.ts');
  const store = await openSqliteTestStore();
  const server = await startAccessServer(store);
  try {
    // MAX's webhook body is MAX's format: unknown fields are kept on purpose.
    const loose = new Set(['POST /api/max/webhook body']);
    const problems: string[] = [];
    for (const route of registeredRoutes(server.app)) {
      if (!route.url.startsWith('/api/') || route.url.startsWith('/api/docs') || route.method === 'HEAD')
        continue;
      for (const [part, schema] of [
        ['querystring', route.querystring],
        ['body', route.body],
      ] as const) {
        if (schema === undefined) continue;
        const object = objectOf(schema);
        const key = `${route.method} ${route.url} ${part}`;
        if (!object) problems.push(`${key}: not a zod object`);
        else if (!loose.has(key) && !(object.def.catchall instanceof z.ZodNever))
          problems.push(`${key}: not strict`);
      }
      if (['POST', 'PATCH', 'PUT'].includes(route.method) && route.body === undefined) {
        const uploads = ['/api/import/channels', '/api/import/population', '/api/import/observations'];
        if (!uploads.includes(route.url) && route.url !== '/api/auth/logout')
          problems.push(`${route.method} ${route.url}: no body schema`);
      }
    }
    expect(problems).toEqual([]);
  } finally {
    await server.close();
    await store.dispose();
  }
});
