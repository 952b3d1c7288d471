import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ChannelView } from '../src/register/channel.schema.ts';
import { type ApiError, requestJson, startTestServer, type TestServer } from './helpers/api.ts';
import { describeEachDialect } from './helpers/stores.ts';

interface Page<T> {
  items: T[];
  total: number;
  page: number | null;
  per_page: number;
  next_cursor: string | null;
}

interface FieldDetail {
  path: string;
  message: string;
}

describeEachDialect('channels API: list, filters, sort, paging', (store) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(store());
  });
  afterEach(async () => {
    await server.close();
  });

  const api = <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    requestJson<T>(server.url, method, path, body, headers);

  async function create(body: Record<string, unknown>): Promise<ChannelView> {
    const response = await api<ChannelView>('POST', '/api/channels', { category: 'other', ...body });
    if (response.status !== 201) throw new Error(`create failed: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async function list(query: string): Promise<Page<ChannelView>> {
    const response = await api<Page<ChannelView>>('GET', `/api/channels${query}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  it('filters by region, category, platform, status and Cyrillic text in any case', async () => {
    await create({
      nickname: 'glava',
      title: 'Глава Башкортостана',
      region_code: 'RU-BA',
      category: 'regional_government',
    });
    await create({
      nickname: 'ufa',
      title: 'Администрация Уфы',
      region_code: 'RU-BA',
      category: 'local_government',
    });
    await create({
      nickname: 'kazan',
      title: 'Мэрия Казани',
      region_code: 'RU-TA',
      category: 'local_government',
    });
    await create({ nickname: 'yolka', title: 'Ёлка в Москве', region_code: 'RU-MOW', category: 'culture' });
    await create({
      platform: 'vk',
      nickname: 'glava',
      title: 'Глава Башкортостана ВК',
      region_code: 'RU-BA',
      category: 'regional_government',
    });
    await create({ nickname: 'pct', title: 'Охват 100% и ещё', region_code: 'RU-MOW', status: 'candidate' });

    const nicks = (page: Page<ChannelView>) => page.items.map((c) => `${c.platform}:${c.nickname}`);
    expect(nicks(await list('?region=RU-BA'))).toEqual(['max:glava', 'max:ufa', 'vk:glava']);
    expect((await list('?region=ru-ta,RU-MOW')).total).toBe(3);
    expect((await list('?region=RU-TA&region=ru-mow')).total).toBe(3);
    expect(nicks(await list('?category=local_government'))).toEqual(['max:ufa', 'max:kazan']);
    expect(nicks(await list('?region=RU-BA&category=regional_government&platform=vk'))).toEqual(['vk:glava']);
    expect(nicks(await list('?status=candidate'))).toEqual(['max:pct']);

    const q = (text: string) => list(`?q=${encodeURIComponent(text)}`);
    expect(nicks(await q('БАШКОРТОСТАН'))).toEqual(['max:glava', 'vk:glava']);
    expect(nicks(await q('башКОРТостанА вк'))).toEqual(['vk:glava']);
    expect(nicks(await q('ЕЛКА'))).toEqual(['max:yolka']);
    expect(nicks(await q('ёлка в'))).toEqual(['max:yolka']);
    expect(nicks(await q('0%'))).toEqual(['max:pct']);
    expect((await q('%')).total).toBe(1);
    expect((await q('_')).total).toBe(0);

    const badEnum = await api<ApiError>('GET', '/api/channels?category=school,nonsense');
    expect(badEnum.status).toBe(400);
    expect((badEnum.body.error.details as FieldDetail[]).map((d) => d.path)).toEqual([
      'querystring/category/1',
    ]);
    const unknownParam = await api<ApiError>('GET', '/api/channels?colour=red');
    expect(unknownParam.status).toBe(400);
    expect(unknownParam.body.error.details).toEqual([
      { path: 'querystring/colour', message: 'unknown field "colour"' },
    ]);
  });

  it('sorts in both directions, empty values last, and by update time after PATCH', async () => {
    const b = await create({ nickname: 'b_chan', title: 'Бета' });
    const a = await create({ nickname: 'a_chan', title: 'Альфа' });
    const none = await create({ nickname: 'n_chan' });
    const c = await create({ nickname: 'c_chan', title: 'Гамма' });
    const ids = (page: Page<ChannelView>) => page.items.map((x) => x.id);
    expect(ids(await list('?sort=title'))).toEqual([a.id, b.id, c.id, none.id]);
    expect(ids(await list('?sort=-title'))).toEqual([c.id, b.id, a.id, none.id]);
    expect(ids(await list('?sort=nickname'))).toEqual([a.id, b.id, c.id, none.id]);
    expect(ids(await list('?sort=-id'))).toEqual([c.id, none.id, a.id, b.id]);
    expect(ids(await list('?sort=-updated_at'))).toEqual([c.id, none.id, a.id, b.id]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const patched = await api<ChannelView>('PATCH', `/api/channels/${b.id}`, { title: 'Бета 2' });
    expect(patched.status).toBe(200);
    expect(ids(await list('?sort=-updated_at'))).toEqual([b.id, c.id, none.id, a.id]);
    expect(ids(await list('?sort=updated_at'))).toEqual([a.id, none.id, c.id, b.id]);

    const badSort = await api<ApiError>('GET', '/api/channels?sort=-colour');
    expect(badSort.status).toBe(400);
    expect((badSort.body.error.details as FieldDetail[])[0]?.path).toBe('querystring/sort');
  });

  it('pages with page/per_page and reports totals', async () => {
    for (let i = 1; i <= 7; i++) await create({ nickname: `chan_${i}`, region_code: 'RU-SPE' });
    await create({ nickname: 'elsewhere', region_code: 'RU-MOW' });
    const pages = [];
    for (let page = 1; page <= 4; page++) pages.push(await list(`?region=RU-SPE&per_page=3&page=${page}`));
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1, 0]);
    expect(pages.map((p) => p.total)).toEqual([7, 7, 7, 7]);
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3, 4]);
    expect(pages[0]?.per_page).toBe(3);
    expect(pages.flatMap((p) => p.items.map((c) => c.nickname))).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((i) => `chan_${i}`),
    );
    expect(pages[0]?.next_cursor).not.toBeNull();
    expect(pages[2]?.next_cursor).toBeNull();

    const defaults = await list('');
    expect(defaults).toMatchObject({ total: 8, page: 1, per_page: 50, next_cursor: null });
    expect((await api<ApiError>('GET', '/api/channels?per_page=501')).status).toBe(400);
    expect((await api<ApiError>('GET', '/api/channels?per_page=0')).status).toBe(400);
    expect((await api<ApiError>('GET', '/api/channels?page=0')).status).toBe(400);
  });

  it('pages with a cursor over more rows than per_page, for id and other sorts', async () => {
    const titles = ['Ж', null, 'А', 'Д', null, 'В', 'Б', 'Г', 'Д', 'Е', null, 'А'];
    for (const [i, title] of titles.entries()) await create({ nickname: `row_${i}`, title });
    await create({ nickname: 'other_region', region_code: 'RU-MOW' });

    async function follow(query: string): Promise<number[]> {
      const seen: number[] = [];
      let cursor: string | null = null;
      let requests = 0;
      do {
        const page: Page<ChannelView> = await list(`${query}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.items.length).toBeLessThanOrEqual(5);
        expect(page.total).toBe(titles.length + 1);
        expect(page.page).toBe(cursor ? null : 1);
        seen.push(...page.items.map((c) => c.id));
        cursor = page.next_cursor;
        requests += 1;
      } while (cursor !== null && requests < 10);
      return seen;
    }

    for (const sort of ['id', '-id', 'title', '-title', '-updated_at', 'region_code']) {
      const all = (await list(`?sort=${sort}&per_page=500`)).items.map((c) => c.id);
      expect(all).toHaveLength(titles.length + 1);
      const viaCursor = await follow(`?sort=${sort}&per_page=5`);
      expect(viaCursor, `sort=${sort}`).toEqual(all);
    }

    const first = await list('?sort=-title&per_page=5');
    const cursor = first.next_cursor!;
    // The cursor carries its sort: omitting sort continues it; another sort or page is rejected.
    const continued = await list(`?per_page=5&cursor=${cursor}`);
    expect(continued.items.map((c) => c.id)).toEqual((await follow('?sort=-title&per_page=5')).slice(5, 10));
    const otherSort = await api<ApiError>('GET', `/api/channels?sort=title&cursor=${cursor}`);
    expect(otherSort.status).toBe(400);
    expect((otherSort.body.error.details as FieldDetail[])[0]?.path).toBe('querystring/cursor');
    expect((await api<ApiError>('GET', `/api/channels?page=2&cursor=${cursor}`)).status).toBe(400);
    const garbage = await api<ApiError>('GET', '/api/channels?cursor=not-a-cursor');
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.code).toBe('validation_failed');
  });
});
