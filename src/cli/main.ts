import { Command, CommanderError } from 'commander';
import { type Config, ConfigError, loadConfigFromProcess } from '../config/config.ts';
import { AppError } from '../shared/errors.ts';
import { registerAccessCommands } from './access.command.ts';
import { registerAnalyticsCommands } from './analytics.command.ts';
import { registerBackupCommands } from './backup.command.ts';
import { registerCollectCommands } from './collect.command.ts';
import { registerDatabaseCommands } from './database.command.ts';
import { registerDemoCommands } from './demo.command.ts';
import { registerEmulatorCommands } from './emulator.command.ts';
import { registerRatingCommands } from './rating.command.ts';
import { registerRegisterCommands } from './register.command.ts';
import { registerServeCommands } from './serve.command.ts';

/**
 * The `ohvat` command. Config is read and validated once here; commands get it through `config()`.
 * Each capability adds its commands in its own `*.command.ts` file, registered below.
 */

let cached: Config | undefined;
export function config(): Config {
  cached ??= loadConfigFromProcess();
  return cached;
}

const program = new Command('ohvat')
  .description('Охват — реестр госпабликов в MAX, сбор аудитории и рейтинги регионов')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

registerDatabaseCommands(program, config);
registerServeCommands(program, config);
registerDemoCommands(program, config);
registerCollectCommands(program, config);
registerRatingCommands(program, config);
registerRegisterCommands(program, config);
// After the register's commands: adds `import observations` to its `import` command.
registerAnalyticsCommands(program, config);
registerEmulatorCommands(program, config);
registerAccessCommands(program, config);
registerBackupCommands(program, config);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof ConfigError) {
    console.error(error.message);
    process.exitCode = 1;
  } else if (error instanceof AppError) {
    console.error(`Ошибка / Error: ${error.message}`);
    if (error.details !== undefined) console.error(JSON.stringify(error.details, null, 2));
    process.exitCode = 1;
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  }
}
