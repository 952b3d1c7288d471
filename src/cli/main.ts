import { Command, CommanderError } from 'commander';
import { type Config, ConfigError, loadConfigFromProcess } from '../config/config.ts';
import { AppError } from '../shared/errors.ts';
import { registerCommandsFor } from './commands.ts';

/**
 * The `ohvat` command. Config is read and validated once here; commands get it through `config()`.
 * Each capability adds its commands in its own `*.command.ts` file; `commands.ts` registers the ones the
 * command line needs (a worker does not load the web server).
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

try {
  await registerCommandsFor(program, config, process.argv);
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
