import { expect, it } from 'vitest';
import { PASSWORD, seedAccess, signIn, startAccessServer } from './helpers/access.ts';
import { type ApiError, requestJson } from './helpers/api.ts';
import { describeEachDialect } from './helpers/stores.ts';

/** Sign-in, sessions, CSRF, API tokens and users over the real HTTP server, on SQLite and PostgreSQL. */

interface Me {
  user: { login: string; role: string; regions: string[] } | null;
  csrf_token: string | null;
  via: string | null;
}

describeEachDialect('sign-in and sessions', (store) => {
  it('signs in with a hardened cookie, needs the CSRF token for changes, and signs out', async () => {
    const server = await startAccessServer(store());
    try {
      const f = await seedAccess(store().db);
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: '  BA-Operator ', password: PASSWORD }),
      });
      expect(login.status).toBe(200);
      const setCookie = login.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/^ohvat_session=[A-Za-z0-9_-]{43};/);
      expect(setCookie).toContain('HttpOnly');
      expect(setCookie).toContain('SameSite=Lax');
      expect(setCookie).toContain('Path=/');
      expect(setCookie).not.toContain('Secure'); // plain http, no publicUrl
      const body = (await login.json()) as { csrf_token: string; user: { login: string; regions: string[] } };
      expect(body.user).toMatchObject({ login: 'ba-operator', regions: ['RU-BA'] });
      const cookie = setCookie.split(';')[0]!;
      // The database keeps a hash of the secret, never the secret itself.
      const secret = cookie.split('=')[1]!;
      const sessions = await store().db.selectFrom('sessions').selectAll().execute();
      expect(sessions).toHaveLength(1);
      expect(sessions[0]!.id).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(sessions)).not.toContain(secret);

      const me = await requestJson<Me>(server.url, 'GET', '/api/auth/me', undefined, { cookie });
      expect(me.body.user?.login).toBe('ba-operator');
      expect(me.body.csrf_token).toBe(body.csrf_token);
      expect(me.headers.get('cache-control')).toBe('private, no-store');

      // A stolen cookie without the CSRF token changes nothing.
      const path = `/api/channels/${f.channels.own}`;
      const noCsrf = await requestJson<ApiError>(server.url, 'PATCH', path, { title: 'Взлом' }, { cookie });
      expect(noCsrf.status).toBe(403);
      expect(noCsrf.body.error.details).toEqual({ code: 'csrf' });
      const wrong = await requestJson(
        server.url,
        'PATCH',
        path,
        { title: 'Взлом' },
        {
          cookie,
          'x-csrf-token': `${body.csrf_token.slice(0, -2)}AA`,
        },
      );
      expect(wrong.status).toBe(403);
      const upload = await fetch(`${server.url}/api/import/channels`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'text/plain' },
        body: 'Никнейм;Категория;Регион\r\nforged_channel;Школа;RU-BA\r\n',
      });
      expect(upload.status).toBe(403);
      const untouched = await store()
        .db.selectFrom('channels')
        .select('title')
        .where('id', '=', f.channels.own)
        .executeTakeFirstOrThrow();
      expect(untouched.title).toBeNull();
      expect(
        await store()
          .db.selectFrom('channels')
          .select('id')
          .where('nickname', '=', 'forged_channel')
          .execute(),
      ).toEqual([]);

      const ok = await requestJson<{ title: string }>(
        server.url,
        'PATCH',
        path,
        { title: 'Правительство РБ' },
        {
          cookie,
          'x-csrf-token': body.csrf_token,
        },
      );
      expect(ok.status).toBe(200);
      expect(ok.body.title).toBe('Правительство РБ');

      const logout = await fetch(`${server.url}/api/auth/logout`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': body.csrf_token },
      });
      expect(logout.status).toBe(204);
      expect(logout.headers.get('set-cookie')).toContain('Max-Age=0');
      expect(await store().db.selectFrom('sessions').selectAll().execute()).toEqual([]);
      const after = await requestJson<Me>(server.url, 'GET', '/api/auth/me', undefined, { cookie });
      expect(after.body.user).toBeNull();
      const again = await requestJson(
        server.url,
        'PATCH',
        path,
        { title: 'x' },
        { cookie, 'x-csrf-token': body.csrf_token },
      );
      expect(again.status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('refuses brute force with 429 and Retry-After, per login and per address', async () => {
    const server = await startAccessServer(store(), {
      limits: {
        jsonBodyBytes: 1 << 20,
        uploadBytes: 1 << 24,
        requestsPerSecond: 1000,
        burst: 1000,
        loginAttemptsPerMinute: 5,
      },
    });
    try {
      await seedAccess(store().db);
      const attempt = (login: string, password: string) =>
        requestJson<ApiError>(server.url, 'POST', '/api/auth/login', { login, password });
      for (let i = 0; i < 5; i++) {
        const r = await attempt('boss', `guess-${i}`);
        expect(r.status).toBe(401);
        expect(r.body.error.code).toBe('bad_credentials');
      }
      const limited = await attempt('boss', 'guess-6');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Even the right password waits now, and so does another login from the same address.
      expect((await attempt('boss', PASSWORD)).status).toBe(429);
      expect((await attempt('analyst', PASSWORD)).status).toBe(429);
      // An unknown login is refused like a wrong password (no enumeration).
    } finally {
      await server.close();
    }
  });

  it('answers an unknown login like a wrong password and lets successful sign-ins through', async () => {
    const server = await startAccessServer(store(), {
      limits: {
        jsonBodyBytes: 1 << 20,
        uploadBytes: 1 << 24,
        requestsPerSecond: 1000,
        burst: 1000,
        loginAttemptsPerMinute: 3,
      },
    });
    try {
      await seedAccess(store().db);
      const unknown = await requestJson<ApiError>(server.url, 'POST', '/api/auth/login', {
        login: 'nobody',
        password: 'x',
      });
      const wrong = await requestJson<ApiError>(server.url, 'POST', '/api/auth/login', {
        login: 'boss',
        password: 'x',
      });
      expect(unknown.status).toBe(401);
      expect(unknown.body.error).toEqual(wrong.body.error);
      // Successful sign-ins give their attempt back: many in a row are fine.
      for (let i = 0; i < 6; i++) await signIn(server.url, 'analyst');
    } finally {
      await server.close();
    }
  });

  it('marks the cookie Secure behind an https proxy (trustProxy) and with an https publicUrl; sends HSTS', async () => {
    const proxied = await startAccessServer(store(), { trustProxy: true });
    const public_ = await startAccessServer(store(), { publicUrl: 'https://ohvat.example.ru' });
    try {
      await seedAccess(store().db);
      const login = (base: string, headers: Record<string, string> = {}) =>
        fetch(`${base}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ login: 'analyst', password: PASSWORD }),
        });
      const viaProxy = await login(proxied.url, {
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '203.0.113.7',
      });
      expect(viaProxy.headers.get('set-cookie')).toContain('; Secure');
      expect(viaProxy.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      const sessions = await store().db.selectFrom('sessions').select('ip').execute();
      expect(sessions.map((s) => s.ip)).toContain('203.0.113.7');
      const plain = await login(proxied.url);
      expect(plain.headers.get('set-cookie')).not.toContain('Secure');
      expect(plain.headers.get('strict-transport-security')).toBeNull();
      expect((await login(public_.url)).headers.get('set-cookie')).toContain('; Secure');
    } finally {
      await proxied.close();
      await public_.close();
    }
  });

  it('ends sessions idle too long, past their absolute end, and of disabled users', async () => {
    const server = await startAccessServer(store());
    try {
      await seedAccess(store().db);
      const db = store().db;
      const me = async (cookie: string) =>
        (await requestJson<Me>(server.url, 'GET', '/api/auth/me', undefined, { cookie })).body.user?.login ??
        null;

      const idle = await signIn(server.url, 'analyst');
      expect(await me(idle.cookie)).toBe('analyst');
      const thirteenHoursAgo = new Date(Date.now() - 13 * 3_600_000).toISOString();
      await db.updateTable('sessions').set({ last_seen_at: thirteenHoursAgo }).execute();
      expect(await me(idle.cookie)).toBeNull();

      const old = await signIn(server.url, 'analyst');
      await db
        .updateTable('sessions')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .execute();
      expect(await me(old.cookie)).toBeNull();

      const admin = await signIn(server.url, 'boss');
      const victim = await signIn(server.url, 'analyst');
      const analystId = (
        await db.selectFrom('users').select('id').where('login', '=', 'analyst').executeTakeFirstOrThrow()
      ).id;
      const disabled = await requestJson(
        server.url,
        'PATCH',
        `/api/users/${analystId}`,
        { disabled: true },
        {
          cookie: admin.cookie,
          'x-csrf-token': admin.csrf,
        },
      );
      expect(disabled.status).toBe(200);
      expect(await me(victim.cookie)).toBeNull();
      const refused = await requestJson<ApiError>(server.url, 'POST', '/api/auth/login', {
        login: 'analyst',
        password: PASSWORD,
      });
      expect(refused.status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
