import type { Command } from 'commander';
import { buildServer } from '../api/server.ts';
import { startEmbeddedCollection } from '../collect/collector.runtime.ts';
import type { Config } from '../config/config.ts';
import { type AppContext, createAppContext } from '../shared/app-context.ts';
import { ensureWebBuilt } from '../web/assets.ts';

/** Starts the HTTP server and closes everything on SIGINT/SIGTERM. */
export async function serve(ctx: AppContext, onClose: (() => Promise<void>)[] = []): Promise<void> {
  await ensureWebBuilt(ctx.logger);
  const app = await buildServer(ctx);
  await app.listen({ host: ctx.config.host, port: ctx.config.port });
  ctx.logger.info(
    `Ohvat: http://${ctx.config.host === '0.0.0.0' ? 'localhost' : ctx.config.host}:${ctx.config.port}`,
  );
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    ctx.logger.info({ signal }, 'shutting down');
    await app.close();
    for (const close of onClose) await close();
    await ctx.close();
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

export function registerServeCommands(program: Command, config: () => Config): void {
  program
    .command('serve')
    .description('Запустить сервер API и панели / run the API and dashboard server')
    .action(async () => {
      const ctx = await createAppContext(config());
      const collection =
        ctx.config.collectInProcess && !ctx.config.redisUrl ? startEmbeddedCollection(ctx) : undefined;
      await serve(ctx, collection ? [() => collection.stop()] : []);
    });
}
