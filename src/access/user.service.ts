import type { Kysely, Transaction } from 'kysely';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { isUniqueViolation, nowIso } from '../store/dialect.ts';
import type { DB } from '../store/schema.ts';
import type { UserCreateInput, UserUpdateInput, UserView } from './access.schema.ts';
import { diffFields, recordChange } from './audit.repository.ts';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './password.ts';
import { type ChangeContext, isRole, type Role } from './principal.ts';
import { deleteSessionsOfUser } from './session.repository.ts';
import {
  findUser,
  findUserByLogin,
  insertUser,
  listUsers,
  normaliseLogin,
  setUserRegions,
  type UserWithRegions,
  unknownRegions,
  updateUser,
  withRegions,
} from './user.repository.ts';

/**
 * Users: create, change (role, regions, password, disabled), check credentials. Every change is written to
 * the audit log in its transaction; password hashes never leave this module (nor enter the log). The last
 * active administrator cannot be disabled or demoted.
 */

type Db = Kysely<DB>;

export function toUserView(user: UserWithRegions): UserView {
  return {
    id: user.id,
    login: user.login,
    display_name: user.display_name,
    role: isRole(user.role) ? user.role : 'analyst',
    regions: user.regions,
    disabled: user.disabled === 1,
    created_at: user.created_at,
    updated_at: user.updated_at,
    last_login_at: user.last_login_at,
  };
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(message, [{ path: `body/${field}`, message }]);
}

/** Operators need at least one region; the other roles have none. */
async function checkRoleRegions(db: Db | Transaction<DB>, role: Role, regions: readonly string[]) {
  if (role === 'operator' && regions.length === 0) {
    throw invalid('regions', 'оператору нужен хотя бы один регион / an operator needs at least one region');
  }
  if (role !== 'operator' && regions.length > 0) {
    throw invalid('regions', 'регионы задаются только операторам / only operators have regions');
  }
  const unknown = await unknownRegions(db, regions);
  if (unknown.length > 0)
    throw invalid('regions', `неизвестные регионы / unknown regions: ${unknown.join(', ')}`);
}

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw invalid('password', problem);
}

export async function listUserViews(db: Db): Promise<UserView[]> {
  return (await listUsers(db)).map(toUserView);
}

export async function getUserView(db: Db, id: number): Promise<UserView> {
  const user = await findUser(db, id);
  if (!user) throw new NotFoundError(`Пользователь ${id} не найден / user ${id} not found`, { id });
  return toUserView(await withRegions(db, user));
}

export async function createUser(
  db: Db,
  input: UserCreateInput,
  change: ChangeContext | undefined,
  options: { skipPasswordPolicy?: boolean } = {},
): Promise<UserView> {
  if (!options.skipPasswordPolicy) checkPassword(input.password);
  const regions = [...new Set(input.regions)].sort();
  await checkRoleRegions(db, input.role, regions);
  const passwordHash = await hashPassword(input.password);
  const login = normaliseLogin(input.login);
  try {
    return await db.transaction().execute(async (tx) => {
      if (await findUserByLogin(tx, login)) throw new ConflictError(`Логин ${login} занят / login taken`);
      const now = nowIso();
      const user = await insertUser(tx, {
        login,
        display_name: input.display_name ?? login,
        password_hash: passwordHash,
        role: input.role,
        created_at: now,
        updated_at: now,
      });
      await setUserRegions(tx, user.id, regions);
      const view = toUserView({ ...user, regions });
      await recordChange(tx, change, {
        action: 'user.create',
        entity_type: 'user',
        entity_id: user.id,
        after: view,
      });
      return view;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(`Логин ${login} занят / login taken`);
    throw error;
  }
}

async function activeAdmins(db: Db | Transaction<DB>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Changes a user. A new password, a disabled account, or a changed role or regions end the user's sessions
 * (except `keepSession`, the session of a user changing their own password).
 */
export async function updateUserAccount(
  db: Db,
  id: number,
  patch: UserUpdateInput,
  change: ChangeContext | undefined,
  options: { keepSession?: string } = {},
): Promise<UserView> {
  if (patch.password !== undefined) checkPassword(patch.password);
  const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
  return db.transaction().execute(async (tx) => {
    const existing = await findUser(tx, id);
    if (!existing) throw new NotFoundError(`Пользователь ${id} не найден / user ${id} not found`, { id });
    const before = toUserView(await withRegions(tx, existing));
    const role = patch.role ?? before.role;
    const regions =
      patch.regions !== undefined
        ? [...new Set(patch.regions)].sort()
        : role === 'operator'
          ? before.regions
          : [];
    await checkRoleRegions(tx, role, regions);
    const disabled = patch.disabled ?? before.disabled;
    const losesAdmin = before.role === 'admin' && !before.disabled && (role !== 'admin' || disabled);
    if (losesAdmin && (await activeAdmins(tx)) <= 1) {
      throw new ConflictError(
        'Нельзя отключить или понизить последнего администратора / the last active administrator cannot be disabled or demoted',
      );
    }
    await updateUser(tx, id, {
      display_name: patch.display_name ?? before.display_name,
      role,
      disabled: disabled ? 1 : 0,
      updated_at: nowIso(),
      ...(passwordHash ? { password_hash: passwordHash } : {}),
    });
    await setUserRegions(tx, id, regions);
    const after = toUserView(await withRegions(tx, (await findUser(tx, id))!));
    const accessChanged =
      passwordHash !== undefined ||
      disabled !== before.disabled ||
      role !== before.role ||
      JSON.stringify(regions) !== JSON.stringify(before.regions);
    if (accessChanged) await deleteSessionsOfUser(tx, id, options.keepSession);
    const diff = diffFields(before, after);
    const entry = {
      before: { ...(diff?.before ?? {}), ...(passwordHash ? { password: '***' } : {}) },
      after: { ...(diff?.after ?? {}), ...(passwordHash ? { password: 'changed' } : {}) },
    };
    await recordChange(tx, change, { action: 'user.update', entity_type: 'user', entity_id: id, ...entry });
    return after;
  });
}

export async function userIdByLogin(db: Db, login: string): Promise<number> {
  const user = await findUserByLogin(db, login);
  if (!user) throw new NotFoundError(`Пользователь ${login} не найден / user ${login} not found`, { login });
  return user.id;
}

/**
 * The user whose login and password these are, or null. Takes the same time for an unknown login as for a
 * wrong password; disabled users are refused like wrong passwords.
 */
export async function checkCredentials(
  db: Db,
  login: string,
  password: string,
): Promise<UserWithRegions | null> {
  const user = login.length > 200 ? undefined : await findUserByLogin(db, login);
  const ok = await verifyPassword(password, user?.password_hash ?? (await dummyHash()));
  if (!user || !ok || user.disabled === 1 || !isRole(user.role)) return null;
  await updateUser(db, user.id, { last_login_at: nowIso() });
  return withRegions(db, user);
}
