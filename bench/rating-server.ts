/**
 * The server process of bench/rating (its peak RSS is measured): the product's API server on a database, with
 * nothing of the bench loaded — no DuckDB, whose native library alone adds ≈ 37 MB. Prints its port.
 *
 *   node --import tsx bench/rating-server.ts URL [SCHEMA]
 */
import type { AddressInfo } from 'node:net';
import { buildServer } from '../src/api/server.ts';
import { parseConfig } from '../src/config/config.ts';
import { createLogger } from '../src/shared/logger.ts';
import { openStore } from '../src/store/database.ts';

const [url, schema] = [process.argv[2]!, process.argv[3] || undefined];
const store = openStore(url, schema ? { schema } : {});
const ctx = { config: parseConfig({}), store, logger: createLogger('silent'), close: () => store.close() };
const app = await buildServer(ctx, {
  logger: false,
  trustedPrincipal: { kind: 'system', id: null, name: 'bench', role: 'admin', regions: [] },
});
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${(app.server.address() as AddressInfo).port}\n`);
