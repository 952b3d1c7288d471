import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestJson, startTestServer, type TestServer } from './helpers/api.ts';
import { openSqliteTestStore, type TestStore } from './helpers/stores.ts';

interface OpenApiOperation {
  tags?: string[];
  summary?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: {
    content: Record<
      string,
      {
        schema: {
          type?: string;
          properties?: Record<string, unknown>;
          required?: string[];
          additionalProperties?: boolean;
        };
      }
    >;
  };
  responses: Record<string, unknown>;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
}

describe('API description: OpenAPI document and closed lists', () => {
  let testStore: TestStore;
  let server: TestServer;
  beforeAll(async () => {
    testStore = await openSqliteTestStore();
    server = await startTestServer(testStore);
  });
  afterAll(async () => {
    await server.close();
    await testStore.dispose();
  });

  it('lists every register route with tags, summaries and schemas', async () => {
    const { status, body: doc } = await requestJson<OpenApiDocument>(server.url, 'GET', '/api/docs/json');
    expect(status).toBe(200);
    const expected: Record<string, string[]> = {
      '/api/channels': ['get', 'post'],
      '/api/channels/{id}': ['delete', 'get', 'patch'],
      '/api/organisations': ['get', 'post'],
      '/api/organisations/{id}': ['delete', 'get', 'patch'],
      '/api/meta/lists': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      expect(Object.keys(doc.paths[path] ?? {}).sort(), path).toEqual(methods);
      for (const method of methods) {
        const operation = doc.paths[path]?.[method];
        expect(operation?.summary, `${method} ${path}`).toBeTruthy();
        expect(operation?.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
        expect(Object.keys(operation?.responses ?? {}).length).toBeGreaterThan(0);
      }
    }

    for (const path of ['/api/channels', '/api/organisations']) {
      const body = doc.paths[path]?.post?.requestBody?.content['application/json']?.schema;
      expect(body?.type, path).toBe('object');
      expect(body?.additionalProperties, path).toBe(false);
    }
    const channelBody = doc.paths['/api/channels']?.post?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(channelBody?.properties ?? {})).toEqual(
      expect.arrayContaining([
        'platform',
        'nickname',
        'chat_id',
        'url',
        'title',
        'organisation_id',
        'category',
        'level',
        'region_code',
        'municipality',
        'page_class',
        'status',
        'official_confirmed',
      ]),
    );
    expect(channelBody?.required).toEqual(['category']);
    expect(doc.paths['/api/channels/{id}']?.patch?.requestBody).toBeDefined();
    expect(Object.keys(doc.paths['/api/channels']?.post?.responses ?? {}).sort()).toEqual([
      '201',
      '400',
      '409',
      '415',
    ]);

    const listParams = doc.paths['/api/channels']?.get?.parameters?.map((p) => p.name) ?? [];
    expect(listParams).toEqual(
      expect.arrayContaining([
        'region',
        'category',
        'platform',
        'status',
        'organisation_id',
        'municipality',
        'q',
        'sort',
        'page',
        'per_page',
        'cursor',
      ]),
    );
    expect(doc.paths['/api/channels/{id}']?.delete?.parameters?.map((p) => p.name).sort()).toEqual([
      'hard',
      'id',
    ]);
    expect(doc.paths['/api/organisations/{id}']?.delete?.parameters?.map((p) => p.name).sort()).toEqual([
      'force',
      'id',
    ]);

    const ui = await fetch(`${server.url}/api/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toContain('text/html');
  });

  it('serves the closed lists with Russian and English labels', async () => {
    const response = await requestJson<
      Record<string, { code: string; ru: string; en: string; aliases: string[] }[]>
    >(server.url, 'GET', '/api/meta/lists');
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual([
      'categories',
      'levels',
      'page_classes',
      'platforms',
      'statuses',
    ]);
    expect(response.body.platforms?.find((p) => p.code === 'max')).toMatchObject({ ru: 'MAX', en: 'MAX' });
    expect(response.body.statuses?.map((s) => s.code)).toEqual(['active', 'candidate', 'removed']);
    expect(response.body.categories?.find((c) => c.code === 'school')).toMatchObject({
      ru: 'Школа',
      en: 'School',
    });
  });
});
