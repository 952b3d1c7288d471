import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.ts';
import type { AppContext } from '../../src/shared/app-context.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createWebRoutes } from '../../src/web/web.routes.ts';
import { startTestServer, type TestServer } from '../helpers/api.ts';
import { describeEachDialect, openSqliteTestStore, type TestStore } from '../helpers/stores.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

describeEachDialect('instance meta and the API/dashboard boundary', (store, dialect) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(store(), { demo: true });
  });
  afterEach(async () => {
    await server.close();
  });

  it('GET /api/meta/instance tells the dashboard about demo mode, version and database', async () => {
    const response = await fetch(`${server.url}/api/meta/instance`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ demo: true, version: VERSION, database: dialect });
  });

  it('keeps unknown /api paths as JSON 404s (never the dashboard page)', async () => {
    for (const path of ['/api/no-such-thing', '/api', '/api/regions/RU-BA/extra']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
    const post = await fetch(`${server.url}/regions`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(await post.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('lists the meta route in the OpenAPI document and hides the dashboard catch-all', async () => {
    const doc = (await (await fetch(`${server.url}/api/docs/json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toContain('/api/meta/instance');
    expect(Object.keys(doc.paths)).not.toContain('/*');
  });
});

describe('dashboard static files (createWebRoutes)', () => {
  const SCRIPT = `console.log(${JSON.stringify('Охват '.repeat(400))});`;
  let root: string;
  let store: TestStore;
  let base: string;
  let close: () => Promise<void>;

  async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
    const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setNotFoundHandler((_request, reply) => {
      reply.status(404).send({ error: { code: 'not_found', message: 'not found' } });
    });
    const ctx: AppContext = {
      config: parseConfig({}),
      store,
      logger: createLogger('silent'),
      close: async () => {},
    };
    await createWebRoutes(dir)(app, ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
      close: () => app.close(),
    };
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ohvat-web-'));
    const dist = join(root, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'app-3f2a1b.js'), SCRIPT);
    writeFileSync(join(dist, 'assets', 'app-3f2a1b.js.br'), brotliCompressSync(SCRIPT));
    writeFileSync(join(dist, 'assets', 'app-3f2a1b.js.gz'), gzipSync(SCRIPT));
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(root, 'secret.txt'), 'top secret');
    store = await openSqliteTestStore();
    ({ url: base, close } = await serve(dist));
  });

  afterAll(async () => {
    await close?.();
    await store?.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers every app route with index.html, uncached, with a content security policy', async () => {
    for (const path of ['/', '/regions', '/regions/RU-BA?lang=en', '/register/import', '/no/such/page']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await response.text()).toContain('<div id="root"></div>');
    }
  });

  it('serves hashed assets immutable for a year, pre-compressed when accepted', async () => {
    const br = await fetch(`${base}/assets/app-3f2a1b.js`, { headers: { 'accept-encoding': 'br' } });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('content-type')).toContain('javascript');
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(br.headers.get('vary')).toContain('accept-encoding');
    expect(await br.text()).toBe(SCRIPT);

    const gzip = await fetch(`${base}/assets/app-3f2a1b.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(await gzip.text()).toBe(SCRIPT);

    const plain = await fetch(`${base}/assets/app-3f2a1b.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(SCRIPT);
  });

  it('caches other files briefly and gives 404 (not the page) for missing files', async () => {
    const icon = await fetch(`${base}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('public, max-age=3600');
    const missing = await fetch(`${base}/assets/app-000000.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('never serves files outside the build directory', async () => {
    for (const path of ['/assets/..%2f..%2fsecret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).not.toBe(200);
      expect(await response.text()).not.toContain('top secret');
    }
  });

  it('explains how to build the dashboard when it is not built', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    const server = await serve(empty);
    try {
      const response = await fetch(`${server.url}/regions`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build:web');
    } finally {
      await server.close();
    }
  });
});
