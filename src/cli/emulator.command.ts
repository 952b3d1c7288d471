import { randomBytes } from 'node:crypto';
import { type Command, InvalidArgumentError } from 'commander';
import type { Config } from '../config/config.ts';
import { startEmulator } from '../emulator/emulator.server.ts';

/**
 * `ohvat emulator`: runs the MAX emulator (Bot API subset, public pages, control API) until interrupted.
 * For development, tests and demos on machines that cannot reach MAX. See docs/EMULATOR.md.
 */

function number(min: number, max: number, integer = false) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`expected ${integer ? 'an integer' : 'a number'} in ${min}..${max}`);
    }
    return n;
  };
}

const ratio = number(0, 1);
const collect = (value: string, previous: string[]) => [...previous, value];

interface EmulatorCliOptions {
  port: number;
  host: string;
  channels: number;
  seed: number;
  token: string[];
  rate: number;
  pageRate: number;
  historyStart?: string;
  initialUpdates: boolean;
  fault5xx: number;
  faultTimeout: number;
  faultMalformed: number;
  faultReset: number;
  faultMarkup: number;
  faultSeed: number;
  timeoutHoldMs: number;
}

export function registerEmulatorCommands(program: Command, _config: () => Config): void {
  program
    .command('emulator')
    .description(
      'Эмулятор MAX: Bot API, публичные страницы, управление сбоями / MAX emulator for tests and demos',
    )
    .option('--port <port>', 'HTTP port', number(0, 65535, true), 8090)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--channels <n>', 'channels in the world', number(1, 1_000_000, true), 20_000)
    .option('--seed <n>', 'world seed', number(0, 2 ** 32 - 1, true), 1)
    .option('--token <token>', 'accepted bot token (repeatable; one is generated if none)', collect, [])
    .option('--rate <n>', 'Bot API requests per second per token', number(0.1, 100_000), 30)
    .option('--page-rate <n>', 'public page requests per second per address', number(0.1, 100_000), 100)
    .option('--history-start <date>', 'start of the simulated history (ISO date)')
    .option('--no-initial-updates', 'do not start the update log with bot_added for every channel')
    .option('--fault-5xx <ratio>', 'share of 500/503 answers', ratio, 0)
    .option('--fault-timeout <ratio>', 'share of answers held past the client timeout', ratio, 0)
    .option('--fault-malformed <ratio>', 'share of truncated JSON answers', ratio, 0)
    .option('--fault-reset <ratio>', 'share of connections reset', ratio, 0)
    .option('--fault-markup <ratio>', 'share of public pages with changed markup', ratio, 0)
    .option('--fault-seed <n>', 'seed of the fault sequence', number(0, 2 ** 31 - 1, true), 1)
    .option('--timeout-hold-ms <ms>', 'how long a «timeout» answer is held', number(0, 600_000, true), 30_000)
    .action(async (options: EmulatorCliOptions) => {
      const tokens = options.token.length > 0 ? options.token : [randomBytes(24).toString('base64url')];
      const started = performance.now();
      const emulator = await startEmulator({
        port: options.port,
        host: options.host,
        seed: options.seed,
        channels: options.channels,
        historyStart: options.historyStart,
        tokens,
        rateLimit: options.rate,
        pageRateLimit: options.pageRate,
        initialUpdates: options.initialUpdates,
        faults: {
          error5xxRatio: options.fault5xx,
          timeoutRatio: options.faultTimeout,
          malformedJsonRatio: options.faultMalformed,
          resetRatio: options.faultReset,
          changedMarkupRatio: options.faultMarkup,
          seed: options.faultSeed,
          timeoutHoldMs: options.timeoutHoldMs,
        },
      });
      const ms = Math.round(performance.now() - started);
      console.log(
        `Эмулятор MAX / MAX emulator: ${emulator.url} (${emulator.world.size} каналов, seed ${options.seed}, ${ms} ms)`,
      );
      console.log('Для Охвата / for Ohvat:');
      console.log(`  OHVAT_MAX_API_URL=${emulator.url}`);
      console.log(`  OHVAT_MAX_PUBLIC_URL=${emulator.url}`);
      console.log(`  OHVAT_MAX_TOKEN=${tokens.join(',')}`);
      console.log(
        `Управление / control: ${emulator.url}/_emulator/stats, /_emulator/faults, /_emulator/truth/<chat_id>`,
      );
      let closing = false;
      const stop = async () => {
        if (closing) return;
        closing = true;
        await emulator.close();
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
