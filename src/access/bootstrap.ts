import type { AppContext } from '../shared/app-context.ts';
import { verifyPassword } from './password.ts';
import { SYSTEM_PRINCIPAL } from './principal.ts';
import { deleteSessionsOfUser } from './session.repository.ts';
import { countUsers, findUserByLogin, updateUser } from './user.repository.ts';
import { createUser, updateUserAccount } from './user.service.ts';

/**
 * Accounts made at start: the first administrator from `OHVAT_ADMIN_LOGIN` + `OHVAT_ADMIN_PASSWORD` when
 * there is no active administrator yet (the password is never logged), and — in demo mode only — the demo administrator
 * `demo`/`demo`, printed on the console and shown on the sign-in page.
 */

export const DEMO_ACCOUNT = { login: 'demo', password: 'demo' } as const;

/**
 * A database once used in demo mode keeps its `demo` user; outside demo mode that account (while it still
 * has the well-known password) is disabled at start, so demo/demo never opens a real installation.
 */
async function disableDemoAccount(ctx: AppContext): Promise<void> {
  const { db } = ctx.store;
  const user = await findUserByLogin(db, DEMO_ACCOUNT.login);
  if (!user || user.disabled === 1 || !(await verifyPassword(DEMO_ACCOUNT.password, user.password_hash)))
    return;
  await updateUserAccount(db, user.id, { disabled: true }, { principal: SYSTEM_PRINCIPAL, ip: null }).catch(
    async (error: unknown) => {
      // The last administrator cannot be disabled through the service: end its sessions and disable it anyway.
      ctx.logger.warn({ err: error }, 'demo account: disabling directly');
      await updateUser(db, user.id, { disabled: 1 });
      await deleteSessionsOfUser(db, user.id);
    },
  );
  ctx.logger.warn(
    'Демо-учётная запись demo отключена: сервер запущен не в демо-режиме / the demo account is disabled outside demo mode',
  );
}

async function hasActiveAdmin(db: AppContext['store']['db']): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .where('login', '!=', DEMO_ACCOUNT.login)
    .executeTakeFirst();
  return row !== undefined;
}

export async function bootstrapAccounts(ctx: AppContext): Promise<void> {
  const { db } = ctx.store;
  const change = { principal: SYSTEM_PRINCIPAL, ip: null };
  const { login, password } = ctx.config.admin;
  if (login && password && !(await hasActiveAdmin(db)) && !(await findUserByLogin(db, login))) {
    await createUser(db, { login, role: 'admin', regions: [], password }, change);
    ctx.logger.info({ login }, 'first administrator created from OHVAT_ADMIN_LOGIN');
  }
  if (ctx.config.demo && !(await findUserByLogin(db, DEMO_ACCOUNT.login))) {
    await createUser(
      db,
      {
        login: DEMO_ACCOUNT.login,
        display_name: 'Демо-администратор',
        role: 'admin',
        regions: [],
        password: DEMO_ACCOUNT.password,
      },
      change,
      { skipPasswordPolicy: true },
    );
  }
  if (!ctx.config.demo) await disableDemoAccount(ctx);
  if (ctx.config.demo) {
    ctx.logger.info(
      `Демо: вход для редактирования — логин ${DEMO_ACCOUNT.login}, пароль ${DEMO_ACCOUNT.password} / demo: sign in as ${DEMO_ACCOUNT.login} / ${DEMO_ACCOUNT.password} to edit`,
    );
  } else if ((await countUsers(db)) === 0) {
    ctx.logger.warn(
      'Нет ни одного пользователя: создайте администратора — ohvat user add LOGIN --role admin / no users yet: create an administrator with `ohvat user add LOGIN --role admin` or OHVAT_ADMIN_LOGIN + OHVAT_ADMIN_PASSWORD',
    );
  }
}
