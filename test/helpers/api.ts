import type { AddressInfo } from 'node:net';
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

export async function startTestServer(store: Store, config: Partial<Config> = {}): Promise<TestServer> {
  const ctx: AppContext = {
    config: { ...parseConfig({}), ...config },
    store,
    logger: createLogger('silent'),
    close: async () => {},
  };
  const app = await buildServer(ctx, { logger: false });
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
