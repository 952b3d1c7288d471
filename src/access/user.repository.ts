import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { DB, UsersTable } from '../store/schema.ts';

/** Users and their regions. Logins are stored and looked up in lower case. */

type Db = Kysely<DB> | Transaction<DB>;

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserRowUpdate = Updateable<UsersTable>;

export interface UserWithRegions extends UserRow {
  regions: string[];
}

export function normaliseLogin(login: string): string {
  return login.trim().normalize('NFC').toLowerCase();
}

export async function findUserByLogin(db: Db, login: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('login', '=', normaliseLogin(login)).executeTakeFirst();
}

export async function findUser(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function regionsOfUser(db: Db, userId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('user_regions')
    .select('region_code')
    .where('user_id', '=', userId)
    .orderBy('region_code')
    .execute();
  return rows.map((r) => r.region_code);
}

export async function withRegions(db: Db, user: UserRow): Promise<UserWithRegions> {
  return { ...user, regions: await regionsOfUser(db, user.id) };
}

export async function listUsers(db: Db): Promise<UserWithRegions[]> {
  const users = await db.selectFrom('users').selectAll().orderBy('login').execute();
  const regions = await db.selectFrom('user_regions').selectAll().orderBy('region_code').execute();
  const byUser = new Map<number, string[]>();
  for (const r of regions) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r.region_code]);
  return users.map((u) => ({ ...u, regions: byUser.get(u.id) ?? [] }));
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertUser(db: Db, user: NewUserRow): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({ ...user, login: normaliseLogin(user.login) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateUser(db: Db, id: number, changes: UserRowUpdate): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

export async function setUserRegions(db: Db, userId: number, regions: readonly string[]): Promise<void> {
  await db.deleteFrom('user_regions').where('user_id', '=', userId).execute();
  const unique = [...new Set(regions)];
  if (unique.length > 0) {
    await db
      .insertInto('user_regions')
      .values(unique.map((region_code) => ({ user_id: userId, region_code })))
      .execute();
  }
}

/** Region codes among `codes` that do not exist. */
export async function unknownRegions(db: Db, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const found = await db
    .selectFrom('regions')
    .select('code')
    .where('code', 'in', [...codes])
    .execute();
  const known = new Set(found.map((r) => r.code));
  return codes.filter((c) => !known.has(c));
}
