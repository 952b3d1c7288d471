import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES, commandNameOf, registerCommandsFor } from '../src/cli/commands.ts';
import { parseConfig } from '../src/config/config.ts';

/**
 * `ohvat <command>` loads only the modules of that command (src/cli/commands.ts): the table must name, for
 * every top-level command, modules that define it with all its subcommands and options, exactly as when every
 * module is loaded.
 */

const config = () => parseConfig({});

/** A command's tree: its name, options and subcommands (recursively), as text. */
function shape(command: Command): string {
  const options = command.options.map((o) => o.flags).join(' ');
  const subcommands = command.commands.map(shape).join(', ');
  return `${command.name()}(${options})[${subcommands}]`;
}

async function programFor(argv: string[]): Promise<Command> {
  const program = new Command('ohvat');
  await registerCommandsFor(program, config, ['node', 'ohvat', ...argv]);
  return program;
}

describe('lazy command registration', () => {
  it('names the command of a command line', () => {
    expect(commandNameOf(['node', 'ohvat', 'worker', '--concurrency', '8'])).toBe('worker');
    expect(commandNameOf(['node', 'ohvat', '--help'])).toBeUndefined();
    expect(commandNameOf(['node', 'ohvat', '-h', 'import', 'channels'])).toBe('import');
  });

  it('lists every top-level command, each with the same tree as when all modules are loaded', async () => {
    const all = await programFor([]);
    const names = all.commands.map((c) => c.name()).sort();
    expect(Object.keys(COMMAND_MODULES).sort()).toEqual(names);
    for (const name of names) {
      const lazy = (await programFor([name, '--help'])).commands.find((c) => c.name() === name);
      const full = all.commands.find((c) => c.name() === name)!;
      expect(lazy && shape(lazy), name).toBe(shape(full));
    }
  });

  it('loads every module for help, an unknown name or a name inherited from Object', async () => {
    for (const argv of [[], ['--help'], ['help', 'worker'], ['no-such-command'], ['constructor']]) {
      const program = await programFor(argv);
      expect(program.commands.map((c) => c.name()).sort(), argv.join(' ')).toEqual(
        Object.keys(COMMAND_MODULES).sort(),
      );
    }
  });
});
