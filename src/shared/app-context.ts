import type { Config } from '../config/config.ts';
import { openStore, type Store } from '../store/database.ts';
import { migrateToLatest } from '../store/migrator.ts';
import { createLogger, type Logger } from './logger.ts';

/** What every entry point (server, CLI command, worker) works with. Built once at start. */
export interface AppContext {
  config: Config;
  store: Store;
  logger: Logger;
  close(): Promise<void>;
}

export async function createAppContext(
  config: Config,
  options: { migrate?: boolean; logger?: Logger } = {},
): Promise<AppContext> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const store = openStore(config.databaseUrl, {
    sqliteCacheMB: config.sqliteCacheMB,
    preparedStatements: config.pgPreparedStatements,
  });
  if (options.migrate ?? true) {
    const applied = await migrateToLatest(store.db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
  }
  return { config, store, logger, close: () => store.close() };
}
