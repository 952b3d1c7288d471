import type { Command } from 'commander';
import { startEmbeddedCollection } from '../collect/collector.runtime.ts';
import { seedDemo } from '../collect/demo.service.ts';
import type { Config } from '../config/config.ts';
import { startEmulator } from '../emulator/emulator.server.ts';
import { createAppContext } from '../shared/app-context.ts';
import { serve } from './serve.command.ts';

/**
 * `npm start`: the whole pipeline on one machine. The MAX emulator starts on a loopback port, its channels
 * are loaded into the register (first start only) with their past audience, and the in-process collector
 * polls the emulator over real HTTP while the server runs. Everything is marked as demo data.
 */
export function registerDemoCommands(program: Command, config: () => Config): void {
  program
    .command('demo')
    .description('Демо: сервер на SQLite с эмулятором MAX / demo: server on SQLite fed by the MAX emulator')
    .option('--channels <n>', 'channels in the emulated world', '3000')
    .option('--history-days <n>', 'days of past audience to load on first start', '120')
    .option('--seed <n>', 'seed of the emulated world', '2026')
    .action(async (options: { channels: string; historyDays: string; seed: string }) => {
      const base = config();
      const token = 'demo-bot-token-0000000000000000';
      const emulator = await startEmulator({
        host: '127.0.0.1',
        port: 0,
        seed: Number(options.seed),
        channels: Number(options.channels),
        tokens: [token],
      });
      const ctx = await createAppContext({
        ...base,
        demo: true,
        // The emulator is local: public pages may be read faster than MAX's polite default.
        max: {
          ...base.max,
          apiUrl: emulator.url,
          publicPageUrl: emulator.url,
          tokens: [token],
          pageRequestsPerSecond: 10,
        },
      });
      ctx.logger.info({ emulator: emulator.url }, 'MAX emulator started (demo)');
      const seeded = await seedDemo(ctx.store.db, emulator.world, {
        historyDays: Number(options.historyDays),
        logger: ctx.logger,
      });
      if (seeded) ctx.logger.info(seeded, 'demo register and history loaded');
      const collection = startEmbeddedCollection(ctx, { idleMs: 5000 });
      await serve(ctx, [() => collection.stop(), () => emulator.close()]);
    });
}
