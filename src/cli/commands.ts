import type { Command } from 'commander';
import type { Config } from '../config/config.ts';

/**
 * Which `*.command.ts` module defines each top-level command, so that `ohvat <command>` imports only what it
 * runs: a collector worker does not load the HTTP server, the spreadsheet library or the analytics (about
 * 45 MB of resident memory per process). A name not listed here (help, a typo, a command added without an
 * entry) loads every module, so the table can only save memory, never lose a command;
 * test/cli-commands.test.ts checks that it matches what the modules define.
 */

export type RegisterCommands = (program: Command, config: () => Config) => void;
type Loader = () => Promise<RegisterCommands>;

const database: Loader = async () => (await import('./database.command.ts')).registerDatabaseCommands;
const serve: Loader = async () => (await import('./serve.command.ts')).registerServeCommands;
const demo: Loader = async () => (await import('./demo.command.ts')).registerDemoCommands;
const collect: Loader = async () => (await import('./collect.command.ts')).registerCollectCommands;
const rating: Loader = async () => (await import('./rating.command.ts')).registerRatingCommands;
const register: Loader = async () => (await import('./register.command.ts')).registerRegisterCommands;
const analytics: Loader = async () => (await import('./analytics.command.ts')).registerAnalyticsCommands;
const emulator: Loader = async () => (await import('./emulator.command.ts')).registerEmulatorCommands;
const access: Loader = async () => (await import('./access.command.ts')).registerAccessCommands;
const backup: Loader = async () => (await import('./backup.command.ts')).registerBackupCommands;

/**
 * Every module, in registration order (the register's before the analytics': `import observations` joins
 * the `import` command the register defines).
 */
const ALL: readonly Loader[] = [
  database,
  serve,
  demo,
  collect,
  rating,
  register,
  analytics,
  emulator,
  access,
  backup,
];

/** Top-level command → the modules that define it and its subcommands (in registration order). */
export const COMMAND_MODULES: Readonly<Record<string, readonly Loader[]>> = {
  init: [database],
  migrate: [database],
  doctor: [database],
  serve: [serve],
  demo: [demo],
  collect: [collect],
  scheduler: [collect],
  worker: [collect],
  rating: [rating],
  import: [register, analytics],
  export: [register],
  template: [register],
  flags: [analytics],
  emulator: [emulator],
  user: [access],
  token: [access],
  backup: [backup],
  restore: [backup],
};

/** The command name of an `ohvat` command line (`process.argv`): its first argument that is not an option. */
export function commandNameOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

/** Registers on `program` the commands an `ohvat` command line needs (all of them when unsure). */
export async function registerCommandsFor(
  program: Command,
  config: () => Config,
  argv: readonly string[],
): Promise<void> {
  const name = commandNameOf(argv);
  const loaders =
    (name !== undefined && Object.hasOwn(COMMAND_MODULES, name) && COMMAND_MODULES[name]) || ALL;
  for (const register of await Promise.all(loaders.map((load) => load()))) register(program, config);
}
