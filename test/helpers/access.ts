import type { Kysely } from 'kysely';
import { type ChangeContext, SYSTEM_PRINCIPAL } from '../../src/access/principal.ts';
import { createApiToken } from '../../src/access/token.service.ts';
import { createUser } from '../../src/access/user.service.ts';
import type { Config } from '../../src/config/config.ts';
import { createChannel } from '../../src/register/channel.service.ts';
import { createOrganisation } from '../../src/register/organisation.service.ts';
import type { Store } from '../../src/store/database.ts';
import type { DB } from '../../src/store/schema.ts';
import { startTestServer, type TestServer } from './api.ts';

/**
 * Access-control fixtures: a server with access control as `ohvat serve` runs it, people and tokens of every
 * role, and register data in two regions — RU-BA (the operator's) and RU-MOW (someone else's).
 */

export const OWN = 'RU-BA';
export const OTHER = 'RU-MOW';
export const PASSWORD = 'correct horse battery';

const SYSTEM: ChangeContext = { principal: SYSTEM_PRINCIPAL, ip: null };

export async function startAccessServer(store: Store, config: Partial<Config> = {}): Promise<TestServer> {
  return startTestServer(
    store,
    {
      limits: {
        jsonBodyBytes: 1024 * 1024,
        uploadBytes: 20 * 1024 * 1024,
        requestsPerSecond: 100_000,
        burst: 100_000,
        loginAttemptsPerMinute: 1000,
      },
      ...config,
    },
    { access: 'real' },
  );
}

export interface AccessFixture {
  tokens: { admin: string; operator: string; analyst: string; revoked: string; spare: number };
  users: { admin: number; operator: number; analyst: number };
  channels: { own: number; other: number };
  organisations: { own: number; other: number };
  flags: { own: number; other: number };
  nicknames: { own: string; other: string };
}

async function insertFlag(db: Kysely<DB>, channelId: number): Promise<number> {
  const row = await db
    .insertInto('anomaly_flags')
    .values({
      channel_id: channelId,
      rule: 'spike',
      day: '2026-11-01',
      value: 1000,
      expected: 100,
      score: 9,
      reason_ru: 'скачок',
      reason_en: 'spike',
      detected_at: new Date().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function seedAccess(db: Kysely<DB>): Promise<AccessFixture> {
  // Password hashing runs in the thread pool: the three users are made at once.
  const [admin, operator, analyst] = await Promise.all([
    createUser(db, { login: 'boss', role: 'admin', regions: [], password: PASSWORD }, SYSTEM),
    createUser(db, { login: 'ba-operator', role: 'operator', regions: [OWN], password: PASSWORD }, SYSTEM),
    createUser(db, { login: 'analyst', role: 'analyst', regions: [], password: PASSWORD }, SYSTEM),
  ]);
  const token = async (name: string, role: 'admin' | 'operator' | 'analyst', regions: string[] = []) =>
    createApiToken(db, { name, role, regions }, SYSTEM);
  const revoked = await token('revoked', 'admin');
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date().toISOString() })
    .where('id', '=', revoked.id)
    .execute();
  const orgOwn = await createOrganisation(
    db,
    { name: 'Минцифры РБ', category: 'executive_body', level: 'regional', region_code: OWN },
    SYSTEM,
  );
  const orgOther = await createOrganisation(
    db,
    { name: 'Правительство Москвы', category: 'executive_body', level: 'regional', region_code: OTHER },
    SYSTEM,
  );
  const channel = (nickname: string, region: string) =>
    createChannel(
      db,
      {
        platform: 'max',
        nickname,
        category: 'executive_body',
        region_code: region,
        status: 'active',
        official_confirmed: false,
      },
      SYSTEM,
    );
  const own = await channel('bashkiria_gov', OWN);
  const other = await channel('moscow_gov', OTHER);
  return {
    tokens: {
      admin: (await token('admin-bot', 'admin')).token,
      operator: (await token('ba-bot', 'operator', [OWN])).token,
      analyst: (await token('analyst-bot', 'analyst')).token,
      revoked: revoked.token,
      spare: (await token('spare', 'analyst')).id,
    },
    users: { admin: admin.id, operator: operator.id, analyst: analyst.id },
    channels: { own: own.id, other: other.id },
    organisations: { own: orgOwn.id, other: orgOther.id },
    flags: { own: await insertFlag(db, own.id), other: await insertFlag(db, other.id) },
    nicknames: { own: 'bashkiria_gov', other: 'moscow_gov' },
  };
}

export interface Session {
  cookie: string;
  csrf: string;
}

/** Signs in through the API; the session cookie and the CSRF token. */
export async function signIn(base: string, login: string, password = PASSWORD): Promise<Session> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  if (response.status !== 200)
    throw new Error(`sign-in of ${login}: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { csrf_token: string };
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { cookie, csrf: body.csrf_token };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
