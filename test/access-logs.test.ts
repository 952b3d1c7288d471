import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { buildServer } from '../src/api/server.ts';
import { MaxApiClient } from '../src/collect/max/max-api.client.ts';
import { TokenBucketLimiter } from '../src/collect/rate-limiter.ts';
import { parseConfig } from '../src/config/config.ts';
import type { AppContext } from '../src/shared/app-context.ts';
import { createLogger } from '../src/shared/logger.ts';
import { bearer, PASSWORD, seedAccess } from './helpers/access.ts';
import { openSqliteTestStore } from './helpers/stores.ts';

/**
 * No secret reaches a log line: a sign-in (password, session secret, CSRF token), API token creation and use,
 * a refused token, and MAX client errors (a server that echoes the bot token back, a dead address) are run
 * with the logger at trace level, and the captured output is searched for every secret.
 */

const MAX_TOKEN = 'max-bot-token-SECRET-0123456789abcdef';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** A hostile MAX API: answers 401 and repeats the Authorization header in the message. */
async function echoingMax(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    response.writeHead(request.url?.startsWith('/me') ? 401 : 500, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        code: 'verify.token',
        message: `Invalid access_token: ${request.headers.authorization}`,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

it('keeps passwords, session ids, CSRF tokens, API tokens and MAX bot tokens out of the logs', async () => {
  const log = capture();
  const logger = createLogger('trace', { destination: log.stream });
  const store = await openSqliteTestStore();
  const config = {
    ...parseConfig({
      OHVAT_MAX_TOKEN: MAX_TOKEN,
      OHVAT_ADMIN_LOGIN: 'root',
      OHVAT_ADMIN_PASSWORD: 'root-password-42',
    }),
    logLevel: 'trace' as const,
  };
  const ctx: AppContext = { config, store, logger, close: async () => {} };
  const app = await buildServer(ctx, { logger });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const max = await echoingMax();
  const secrets: string[] = [PASSWORD, MAX_TOKEN, 'root-password-42'];
  try {
    const f = await seedAccess(store.db);
    secrets.push(f.tokens.admin, f.tokens.operator, f.tokens.revoked);

    const wrong = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'boss', password: 'wrong-password-123' }),
    });
    expect(wrong.status).toBe(401);
    secrets.push('wrong-password-123');
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'boss', password: PASSWORD }),
    });
    const { csrf_token } = (await login.json()) as { csrf_token: string };
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    secrets.push(cookie.split('=')[1]!, csrf_token);
    await fetch(`${base}/api/auth/me`, { headers: { cookie } });
    const created = await fetch(`${base}/api/tokens`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf_token, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'log-test', role: 'analyst' }),
    });
    const { token } = (await created.json()) as { token: string };
    secrets.push(token);
    expect((await fetch(`${base}/api/channels`, { headers: bearer(token) })).status).toBe(200);
    expect((await fetch(`${base}/api/channels`, { headers: bearer(f.tokens.revoked) })).status).toBe(401);
    // A request that fails validation with the password in its body.
    await fetch(`${base}/api/users`, {
      method: 'POST',
      headers: { ...bearer(f.tokens.admin), 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'x', role: 'nobody', password: PASSWORD }),
    });

    // MAX client errors, logged the way the collector logs them.
    const client = new MaxApiClient({
      token: MAX_TOKEN,
      baseUrl: max.url,
      retries: 1,
      timeoutMs: 2000,
      limiter: new TokenBucketLimiter(100),
      backoff: { baseMs: 1, maxMs: 2 },
      onRetry: (event) => logger.warn({ event }, 'retrying MAX request'),
    });
    for (const call of [() => client.getMe(), () => client.getChat(1)]) {
      const error = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      logger.error({ err: error, client }, 'MAX request failed');
    }
    const dead = new MaxApiClient({
      token: MAX_TOKEN,
      baseUrl: 'http://127.0.0.1:9',
      retries: 0,
      timeoutMs: 500,
    });
    logger.error({ err: await dead.getMe().catch((e: unknown) => e) }, 'MAX unreachable');
    logger.info({ config }, 'configuration (as a careless log line would print it)');
  } finally {
    await app.close();
    await new Promise((resolve) => max.server.close(resolve));
    await store.dispose();
  }
  const output = log.text();
  expect(output).toContain('sign-in failed');
  expect(output).toContain('signed in');
  expect(output).toContain('MAX request failed');
  expect(output).toContain('verify.token');
  expect(output.length).toBeGreaterThan(2000);
  for (const secret of secrets)
    expect(output.includes(secret), `secret ${secret.slice(0, 6)}… in the log`).toBe(false);
});
