import { createWriteStream } from 'node:fs';
import { extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type Command, Option } from 'commander';
import type { AuditFilter } from '../access/audit.repository.ts';
import { auditExportStream } from '../access/audit-export.service.ts';
import { cliChange, isRole, ROLES, type Role } from '../access/principal.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../access/token.service.ts';
import { createUser, listUserViews, updateUserAccount, userIdByLogin } from '../access/user.service.ts';
import type { Config } from '../config/config.ts';
import { buildRegionLookup } from '../register/import/region.lookup.ts';
import { listRegions } from '../register/region.repository.ts';
import { ValidationError } from '../shared/errors.ts';
import { openStore, type Store } from '../store/database.ts';
import { migrateToLatest } from '../store/migrator.ts';
import { readPassword } from './password.prompt.ts';

/**
 * `ohvat user add|list|passwd|disable|enable`, `ohvat token create|list|revoke` and `ohvat export audit`.
 * The command line acts as an administrator (it holds the database); its changes are audited as `cli:<user>`.
 * Passwords are read from the terminal without echo or from stdin (`--password-stdin`), never from the
 * command line unless `--password` is given explicitly (with a warning: it lands in shell history).
 */

async function withStore<T>(config: () => Config, work: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(config().databaseUrl);
  try {
    await migrateToLatest(store.db);
    return await work(store);
  } finally {
    await store.close();
  }
}

function roleOf(value: string): Role {
  if (!isRole(value)) throw new ValidationError(`--role: ${ROLES.join(' | ')}`);
  return value;
}

/** Region codes or names (repeated or comma-separated) → codes. */
async function regionCodes(store: Store, values: string[] | undefined): Promise<string[]> {
  if (!values || values.length === 0) return [];
  const lookup = buildRegionLookup(await listRegions(store.db));
  return values
    .flatMap((v) => v.split(','))
    .filter((v) => v.trim() !== '')
    .map((v) => {
      const code = lookup.resolve(v);
      if (!code) throw new ValidationError(`Неизвестный регион / unknown region: ${v}`);
      return code;
    });
}

interface PasswordOptions {
  passwordStdin?: boolean;
  password?: string;
}

async function passwordFrom(opts: PasswordOptions, confirm: boolean): Promise<string> {
  if (opts.password !== undefined) {
    console.error(
      'Внимание: пароль в командной строке остаётся в истории оболочки и виден в списке процессов; лучше --password-stdin / ' +
        'warning: a password on the command line stays in shell history and the process list; prefer --password-stdin',
    );
    return opts.password;
  }
  return readPassword({ fromStdin: opts.passwordStdin ?? false, confirm });
}

const passwordOptions = (command: Command): Command =>
  command
    .option('--password-stdin', 'прочитать пароль из stdin / read the password from stdin')
    .addOption(
      new Option(
        '--password <password>',
        'пароль в командной строке (небезопасно) / password on the command line (unsafe)',
      ).hideHelp(),
    );

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows)
    console.log(
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
}

export function registerAccessCommands(program: Command, config: () => Config): void {
  const user = program.command('user').description('Пользователи / users');

  passwordOptions(
    user
      .command('add <login>')
      .description('Добавить пользователя / add a user')
      .requiredOption('--role <role>', `роль / role: ${ROLES.join(' | ')}`)
      .option('--region <regions...>', 'регионы оператора (коды или названия) / operator regions')
      .option('--name <display>', 'имя для показа / display name'),
  ).action(
    async (login: string, opts: PasswordOptions & { role: string; region?: string[]; name?: string }) => {
      const role = roleOf(opts.role);
      const password = await passwordFrom(opts, true);
      const created = await withStore(config, async (store) =>
        createUser(
          store.db,
          {
            login,
            role,
            regions: await regionCodes(store, opts.region),
            password,
            ...(opts.name ? { display_name: opts.name } : {}),
          },
          cliChange(),
        ),
      );
      const regions = created.regions.length ? ` (${created.regions.join(', ')})` : '';
      console.log(`Пользователь создан / user created: ${created.login}, ${created.role}${regions}`);
    },
  );

  user
    .command('list')
    .description('Список пользователей / list users')
    .action(async () => {
      const users = await withStore(config, (store) => listUserViews(store.db));
      printTable([
        ['ID', 'LOGIN', 'ROLE', 'REGIONS', 'DISABLED', 'LAST LOGIN'],
        ...users.map((u) => [
          String(u.id),
          u.login,
          u.role,
          u.regions.join(',') || '—',
          u.disabled ? 'yes' : 'no',
          u.last_login_at ?? '—',
        ]),
      ]);
    });

  passwordOptions(
    user
      .command('passwd <login>')
      .description('Сменить пароль (сессии завершаются) / set a password (ends sessions)'),
  ).action(async (login: string, opts: PasswordOptions) => {
    const password = await passwordFrom(opts, true);
    await withStore(config, async (store) =>
      updateUserAccount(store.db, await userIdByLogin(store.db, login), { password }, cliChange()),
    );
    console.log(`Пароль изменён / password changed: ${login}`);
  });

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(`${name} <login>`)
      .description(
        disabled ? 'Отключить пользователя / disable a user' : 'Включить пользователя / enable a user',
      )
      .action(async (login: string) => {
        await withStore(config, async (store) =>
          updateUserAccount(store.db, await userIdByLogin(store.db, login), { disabled }, cliChange()),
        );
        console.log(`${disabled ? 'Отключён / disabled' : 'Включён / enabled'}: ${login}`);
      });
  }

  const token = program.command('token').description('API-токены / API tokens');

  token
    .command('create')
    .description('Создать токен (печатается один раз) / create a token (printed once)')
    .requiredOption('--name <name>', 'название / name')
    .requiredOption('--role <role>', `роль / role: ${ROLES.join(' | ')}`)
    .option('--region <regions...>', 'регионы (для оператора) / regions (operators)')
    .action(async (opts: { name: string; role: string; region?: string[] }) => {
      const role = roleOf(opts.role);
      const created = await withStore(config, async (store) =>
        createApiToken(
          store.db,
          { name: opts.name, role, regions: await regionCodes(store, opts.region) },
          cliChange(),
        ),
      );
      console.error(
        `Токен №${created.id} «${created.name}» (${created.role}). Сохраните его сейчас — больше он не будет показан. / ` +
          'Save the token now: it is not shown again.',
      );
      console.log(created.token);
    });

  token
    .command('list')
    .description('Список токенов / list tokens')
    .action(async () => {
      const tokens = await withStore(config, (store) => listApiTokens(store.db));
      printTable([
        ['ID', 'NAME', 'ROLE', 'REGIONS', 'CREATED', 'LAST USED', 'REVOKED'],
        ...tokens.map((t) => [
          String(t.id),
          t.name,
          t.role,
          t.regions.join(',') || '—',
          t.created_at,
          t.last_used_at ?? '—',
          t.revoked_at ?? '—',
        ]),
      ]);
    });

  token
    .command('revoke <id>')
    .description('Отозвать токен / revoke a token')
    .action(async (id: string) => {
      const n = Number(id);
      if (!Number.isSafeInteger(n) || n <= 0) throw new ValidationError(`Номер токена / token id: ${id}`);
      const revoked = await withStore(config, (store) => revokeApiToken(store.db, n, cliChange()));
      console.log(`Токен отозван / token revoked: №${revoked.id} «${revoked.name}» (${revoked.revoked_at})`);
    });
}

/** `ohvat export audit FILE`: the audit log as XLSX or CSV (added to the register's `export` command). */
export function registerAuditExportCommand(exportCommand: Command, config: () => Config): void {
  exportCommand
    .command('audit <file>')
    .description('Журнал изменений в XLSX или CSV / the audit log as XLSX or CSV')
    .addOption(
      new Option('--format <format>', 'xlsx | csv (по умолчанию по расширению)').choices(['xlsx', 'csv']),
    )
    .addOption(
      new Option('--lang <lang>', 'язык заголовков / header language').choices(['ru', 'en']).default('ru'),
    )
    .option('--entity <entity>', 'channel или channel:12 / a type or type:id')
    .option('--actor <name>', 'кто / actor')
    .option('--from <date>', 'с / from (YYYY-MM-DD)')
    .option('--to <date>', 'по / to (YYYY-MM-DD)')
    .action(
      async (
        file: string,
        opts: {
          format?: string;
          lang: 'ru' | 'en';
          entity?: string;
          actor?: string;
          from?: string;
          to?: string;
        },
      ) => {
        const format = (opts.format ?? extname(file).slice(1)).toLowerCase();
        if (format !== 'xlsx' && format !== 'csv') {
          throw new ValidationError(`${file}: укажите --format xlsx или csv / use --format xlsx or csv`);
        }
        const filter: AuditFilter = {
          ...(opts.entity ? { entity: opts.entity } : {}),
          ...(opts.actor ? { actor: opts.actor } : {}),
          ...(opts.from ? { from: opts.from } : {}),
          ...(opts.to ? { to: opts.to } : {}),
        };
        await withStore(config, (store) =>
          pipeline(auditExportStream(store.db, { format, lang: opts.lang, filter }), createWriteStream(file)),
        );
        console.log(
          opts.lang === 'ru' ? `Журнал изменений выгружен → ${file}` : `Audit log exported → ${file}`,
        );
      },
    );
}
