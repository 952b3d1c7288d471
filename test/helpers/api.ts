import type { AddressInfo } from 'node:net';
import type { Principal } from '../../src/access/principal.ts';
import { buildServer, type ZodApp } from '../../src/api/server.ts';
import { type Config, parseConfig } from '../../src/config/config.ts';
import type { AppContext } from '../../src/shared/app-context.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { Store } from '../../src/store/database.ts';

/**
 * The real HTTP server on a test store: `startTestServer(store())` in a test (or beforeEach), then `fetch`
 * against `url`. The store stays owned by the caller (describeEachDialect disposes it); `close` stops the server.
 */
export interface TestServer {
  url: string;
  app: ZodApp;
  ctx: AppContext;
  close(): Promise<void>;
}

/** What requests without credentials act as in tests of other capabilities: an administrator. */
export const TEST_ADMIN: Principal = { kind: 'user', id: null, name: 'test', role: 'admin', regions: [] };

/**
 * `access: 'trusted'` (default): requests without credentials act as TEST_ADMIN and the rate limits are out
 * of the way, so suites of other capabilities test their own behaviour. `access: 'real'`: access control
 * exactly as `ohvat serve` runs it (anonymous is anonymous; the configured limits apply).
 */
export async function startTestServer(
  store: Store,
  config: Partial<Config> = {},
  options: { access?: 'trusted' | 'real' } = {},
): Promise<TestServer> {
  const real = options.access === 'real';
  const base = parseConfig(real ? {} : { OHVAT_RATE_LIMIT: '1000000', OHVAT_RATE_BURST: '1000000' });
  const ctx: AppContext = {
    config: { ...base, ...config },
    store,
    logger: createLogger('silent'),
    close: async () => {},
  };
  const app = await buildServer(ctx, { logger: false, ...(real ? {} : { trustedPrincipal: TEST_ADMIN }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, ctx, close: () => app.close() };
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** fetch with a JSON body (when given) and the response parsed as JSON (undefined when empty). */
export async function requestJson<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
  };
}

/** The error body of the API. */
export interface ApiError {
  error: { code: string; message: string; details?: unknown };
}
