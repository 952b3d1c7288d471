import { expect, it } from 'vitest';
import { bearer, PASSWORD, seedAccess, signIn, startAccessServer } from './helpers/access.ts';
import { type ApiError, requestJson } from './helpers/api.ts';
import { describeEachDialect } from './helpers/stores.ts';

/** API tokens and users over the real HTTP server, on SQLite and PostgreSQL. */

interface Me {
  user: { login: string; role: string; regions: string[] } | null;
}

describeEachDialect('API tokens and users', (store) => {
  it('shows a token once, stores its hash, refuses it at once when revoked, and notes its use', async () => {
    const server = await startAccessServer(store());
    try {
      const f = await seedAccess(store().db);
      const admin = bearer(f.tokens.admin);
      const created = await requestJson<{ id: number; token: string; role: string; regions: string[] }>(
        server.url,
        'POST',
        '/api/tokens',
        { name: 'Выгрузка для ЦУР', role: 'operator', regions: ['ru-ba'] },
        admin,
      );
      expect(created.status).toBe(201);
      expect(created.body.token).toMatch(/^ohv_[A-Za-z0-9_-]{43}$/);
      expect(created.body.regions).toEqual(['RU-BA']);
      const rows = await store().db.selectFrom('api_tokens').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(created.body.token);
      const list = await requestJson<{ items: Record<string, unknown>[] }>(
        server.url,
        'GET',
        '/api/tokens',
        undefined,
        admin,
      );
      expect(JSON.stringify(list.body)).not.toContain(created.body.token);
      expect(list.body.items.every((t) => !('token' in t) && !('token_hash' in t))).toBe(true);

      const token = bearer(created.body.token);
      expect((await requestJson(server.url, 'GET', '/api/channels', undefined, token)).status).toBe(200);
      const used = await store()
        .db.selectFrom('api_tokens')
        .select('last_used_at')
        .where('id', '=', created.body.id)
        .executeTakeFirstOrThrow();
      expect(used.last_used_at).not.toBeNull();
      // An operator token: changes in its region only.
      const other = await requestJson(
        server.url,
        'PATCH',
        `/api/channels/${f.channels.other}`,
        { title: 'x' },
        token,
      );
      expect(other.status).toBe(403);
      // Operators mark channels removed; deleting one with its history is for administrators.
      const hard = await requestJson<ApiError>(
        server.url,
        'DELETE',
        `/api/channels/${f.channels.own}?hard=true`,
        undefined,
        token,
      );
      expect(hard.status).toBe(403);
      // Tokens need no CSRF header.
      const own = await requestJson(
        server.url,
        'PATCH',
        `/api/channels/${f.channels.own}`,
        { title: 'Токеном' },
        token,
      );
      expect(own.status).toBe(200);

      const revoked = await requestJson<{ revoked_at: string }>(
        server.url,
        'DELETE',
        `/api/tokens/${created.body.id}`,
        undefined,
        admin,
      );
      expect(revoked.status).toBe(200);
      expect(revoked.body.revoked_at).not.toBeNull();
      const refused = await requestJson<ApiError>(server.url, 'GET', '/api/channels', undefined, token);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      expect(
        (
          await requestJson(server.url, 'GET', '/api/regions', undefined, {
            authorization: 'Bearer ohv_nonsense',
          })
        ).status,
      ).toBe(401);
      expect(
        (
          await requestJson(server.url, 'GET', '/api/regions', undefined, {
            authorization: 'Basic Zm9vOmJhcg==',
          })
        ).status,
      ).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('manages users: regions for operators, unique logins, the last administrator stays, a new password ends sessions', async () => {
    const server = await startAccessServer(store());
    try {
      const f = await seedAccess(store().db);
      const admin = bearer(f.tokens.admin);
      const noRegion = await requestJson<ApiError>(
        server.url,
        'POST',
        '/api/users',
        { login: 'op2', role: 'operator', password: PASSWORD },
        admin,
      );
      expect(noRegion.status).toBe(400);
      const shortPassword = await requestJson(
        server.url,
        'POST',
        '/api/users',
        { login: 'op2', role: 'analyst', password: 'short' },
        admin,
      );
      expect(shortPassword.status).toBe(400);
      const unknownField = await requestJson<ApiError>(
        server.url,
        'POST',
        '/api/users',
        { login: 'op2', role: 'analyst', password: PASSWORD, is_admin: true },
        admin,
      );
      expect(unknownField.status).toBe(400);
      const created = await requestJson<{ id: number; regions: string[] }>(
        server.url,
        'POST',
        '/api/users',
        { login: 'Op2', role: 'operator', regions: ['RU-TA', 'RU-BA'], password: PASSWORD },
        admin,
      );
      expect(created.status).toBe(201);
      expect(created.body.regions).toEqual(['RU-BA', 'RU-TA']);
      expect(JSON.stringify(created.body)).not.toContain('password');
      const duplicate = await requestJson(
        server.url,
        'POST',
        '/api/users',
        { login: 'op2', role: 'analyst', password: PASSWORD },
        admin,
      );
      expect(duplicate.status).toBe(409);

      const demote = await requestJson(
        server.url,
        'PATCH',
        `/api/users/${f.users.admin}`,
        { role: 'analyst' },
        admin,
      );
      expect(demote.status).toBe(409);

      const first = await signIn(server.url, 'op2');
      const second = await signIn(server.url, 'op2');
      const changed = await requestJson(
        server.url,
        'PATCH',
        `/api/users/${created.body.id}`,
        { password: 'a new long password' },
        {
          cookie: first.cookie,
          'x-csrf-token': first.csrf,
        },
      );
      expect(changed.status).toBe(403); // operators do not manage users
      const byAdmin = await requestJson(
        server.url,
        'PATCH',
        `/api/users/${created.body.id}`,
        { password: 'a new long password' },
        admin,
      );
      expect(byAdmin.status).toBe(200);
      for (const s of [first, second]) {
        const me = await requestJson<Me>(server.url, 'GET', '/api/auth/me', undefined, { cookie: s.cookie });
        expect(me.body.user).toBeNull();
      }
      await signIn(server.url, 'op2', 'a new long password');
      const stored = await store()
        .db.selectFrom('users')
        .select('password_hash')
        .where('login', '=', 'op2')
        .executeTakeFirstOrThrow();
      expect(stored.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(stored.password_hash).not.toContain('a new long password');
    } finally {
      await server.close();
    }
  });
});
