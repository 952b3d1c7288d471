import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ChannelView } from '../src/register/channel.schema.ts';
import type { OrganisationView } from '../src/register/organisation.schema.ts';
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

describeEachDialect('organisations API', (store) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(store());
  });
  afterEach(async () => {
    await server.close();
  });

  const api = <T>(method: string, path: string, body?: unknown) =>
    requestJson<T>(server.url, method, path, body);

  async function create(body: Record<string, unknown>): Promise<OrganisationView> {
    const response = await api<OrganisationView>('POST', '/api/organisations', {
      category: 'executive_body',
      level: 'regional',
      ...body,
    });
    if (response.status !== 201) throw new Error(`create failed: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async function list(query: string): Promise<Page<OrganisationView>> {
    const response = await api<Page<OrganisationView>>('GET', `/api/organisations${query}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  async function channelsMatching(text: string): Promise<string[]> {
    const response = await api<Page<ChannelView>>('GET', `/api/channels?q=${encodeURIComponent(text)}`);
    return response.body.items.map((c) => c.nickname ?? '');
  }

  it('creates, reads and validates organisations', async () => {
    const created = await create({
      name: '  Министерство здравоохранения Республики Башкортостан ',
      category: 'healthcare',
      region_code: 'ru-ba',
      municipality: '',
      inn: '0274000000',
      ogrn: '1020202000000',
    });
    expect(created).toMatchObject({
      name: 'Министерство здравоохранения Республики Башкортостан',
      category: 'healthcare',
      level: 'regional',
      region_code: 'RU-BA',
      region_name_ru: 'Республика Башкортостан',
      municipality: null,
      inn: '0274000000',
      ogrn: '1020202000000',
      channels_count: 0,
    });
    expect(created.created_at).toBe(created.updated_at);
    const fetched = await api<OrganisationView>('GET', `/api/organisations/${created.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created);
    expect((await create({ name: 'ИП Иванов', inn: '027400000012', ogrn: '304027400000012' })).inn).toBe(
      '027400000012',
    );

    const invalid = await api<ApiError>('POST', '/api/organisations', {
      name: '',
      category: 'bakery',
      level: 'galactic',
      inn: '12345678901',
      ogrn: '12345',
      website: 'https://example.org',
    });
    expect(invalid.status).toBe(400);
    expect((invalid.body.error.details as FieldDetail[]).map((d) => d.path).sort()).toEqual([
      'body/category',
      'body/inn',
      'body/level',
      'body/name',
      'body/ogrn',
      'body/website',
    ]);
    const unknownRegion = await api<ApiError>('POST', '/api/organisations', {
      name: 'Где-то',
      category: 'other',
      level: 'federal',
      region_code: 'RU-ATL',
    });
    expect(unknownRegion.status).toBe(400);
    expect(unknownRegion.body.error.details).toEqual([
      { path: 'body/region_code', message: 'Unknown region RU-ATL' },
    ]);
    expect((await api<ApiError>('GET', '/api/organisations/999')).status).toBe(404);
    expect((await api<ApiError>('PATCH', '/api/organisations/999', { name: 'x' })).status).toBe(404);
    expect((await api<ApiError>('DELETE', '/api/organisations/999')).status).toBe(404);
  });

  it('answers 409 for a second organisation with the same INN', async () => {
    const first = await create({ name: 'Минобр', inn: '0274111111' });
    const duplicate = await api<ApiError>('POST', '/api/organisations', {
      name: 'Министерство образования',
      category: 'executive_body',
      level: 'regional',
      inn: '0274111111',
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toMatchObject({
      code: 'conflict',
      details: [{ field: 'inn', value: '0274111111', existing_id: first.id, existing_name: 'Минобр' }],
    });
    const second = await create({ name: 'Минкульт', inn: '0274222222' });
    const patch = await api<ApiError>('PATCH', `/api/organisations/${second.id}`, { inn: '0274111111' });
    expect(patch.status).toBe(409);
    expect((await api('PATCH', `/api/organisations/${first.id}`, { inn: '0274111111' })).status).toBe(200);
  });

  it('filters, searches Cyrillic text in any case, sorts both ways and pages', async () => {
    await create({
      name: 'Администрация Уфы',
      category: 'local_government',
      level: 'municipal',
      region_code: 'RU-BA',
    });
    await create({
      name: 'Правительство Башкортостана',
      category: 'regional_government',
      region_code: 'RU-BA',
    });
    await create({
      name: 'Мэрия Казани',
      category: 'local_government',
      level: 'municipal',
      region_code: 'RU-TA',
    });
    await create({ name: 'Театр «Ёлочка»', category: 'culture', region_code: 'RU-MOW', inn: '7701234567' });
    await create({ name: 'Федеральное агентство', level: 'federal' });

    const names = (page: Page<OrganisationView>) => page.items.map((o) => o.name);
    expect((await list('?region=RU-BA')).total).toBe(2);
    expect((await list('?region=ru-ba,RU-TA')).total).toBe(3);
    expect(names(await list('?category=local_government&level=municipal&sort=name'))).toEqual([
      'Администрация Уфы',
      'Мэрия Казани',
    ]);
    expect(names(await list('?level=federal'))).toEqual(['Федеральное агентство']);
    expect(names(await list(`?q=${encodeURIComponent('БАШКОРТОСТАНА')}`))).toEqual([
      'Правительство Башкортостана',
    ]);
    expect(names(await list(`?q=${encodeURIComponent('«ЕЛОЧКА')}`))).toEqual(['Театр «Ёлочка»']);
    expect(names(await list('?q=7701234'))).toEqual(['Театр «Ёлочка»']);

    const byName = names(await list('?sort=name'));
    expect(byName).toEqual([
      'Администрация Уфы',
      'Мэрия Казани',
      'Правительство Башкортостана',
      'Театр «Ёлочка»',
      'Федеральное агентство',
    ]);
    expect(names(await list('?sort=-name'))).toEqual([...byName].reverse());
    const byRegion = await list('?sort=region_code');
    expect(byRegion.items.at(-1)?.region_code).toBeNull();
    expect((await list('?sort=-region_code')).items.at(-1)?.region_code).toBeNull();

    const page2 = await list('?sort=name&per_page=2&page=2');
    expect(page2).toMatchObject({ total: 5, page: 2, per_page: 2 });
    expect(names(page2)).toEqual(byName.slice(2, 4));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<OrganisationView> = await list(
        `?sort=-name&per_page=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...names(page));
      cursor = page.next_cursor;
    } while (cursor !== null && seen.length < 20);
    expect(seen).toEqual([...byName].reverse());
    expect((await api<ApiError>('GET', '/api/organisations?level=galactic')).status).toBe(400);
    expect((await api<ApiError>('GET', '/api/organisations?sort=inn')).status).toBe(400);
  });

  it('PATCH renames the organisation in its channels and their search', async () => {
    const org = await create({ name: 'Министерство спорта', category: 'sport', region_code: 'RU-TA' });
    const channel = await api<ChannelView>('POST', '/api/channels', {
      nickname: 'sport_rt',
      category: 'sport',
      organisation_id: org.id,
    });
    expect(channel.status).toBe(201);
    expect(channel.body).toMatchObject({ organisation_name: 'Министерство спорта', region_code: 'RU-TA' });
    expect(await channelsMatching('министерство спорта')).toEqual(['sport_rt']);

    const renamed = await api<OrganisationView>('PATCH', `/api/organisations/${org.id}`, {
      name: 'Минспорт Татарстана',
      municipality: 'Казань',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      name: 'Минспорт Татарстана',
      category: 'sport',
      region_code: 'RU-TA',
      municipality: 'Казань',
      channels_count: 1,
    });
    expect(await channelsMatching('минспорт')).toEqual(['sport_rt']);
    expect(await channelsMatching('министерство спорта')).toEqual([]);
    const reread = await api<ChannelView>('GET', `/api/channels/${channel.body.id}`);
    expect(reread.body.organisation_name).toBe('Минспорт Татарстана');

    const cleared = await api<OrganisationView>('PATCH', `/api/organisations/${org.id}`, {
      region_code: null,
    });
    expect(cleared.body).toMatchObject({
      region_code: null,
      region_name_ru: null,
      name: 'Минспорт Татарстана',
    });
    expect((await api<ApiError>('PATCH', `/api/organisations/${org.id}`, {})).status).toBe(400);
    expect((await api<ApiError>('PATCH', `/api/organisations/${org.id}`, { colour: 'red' })).status).toBe(
      400,
    );
  });

  it('refuses to delete a referenced organisation unless forced; forced delete detaches its channels', async () => {
    const org = await create({ name: 'Комитет по делам молодёжи', category: 'youth' });
    for (const nickname of ['youth_1', 'youth_2']) {
      const response = await api('POST', '/api/channels', {
        nickname,
        category: 'youth',
        organisation_id: org.id,
      });
      expect(response.status).toBe(201);
    }
    expect((await api<OrganisationView>('GET', `/api/organisations/${org.id}`)).body.channels_count).toBe(2);
    expect((await list('')).items[0]?.channels_count).toBe(2);

    const refused = await api<ApiError>('DELETE', `/api/organisations/${org.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'conflict',
      details: { organisation_id: org.id, channels_count: 2 },
    });
    expect((await api('GET', `/api/organisations/${org.id}`)).status).toBe(200);

    const forced = await api('DELETE', `/api/organisations/${org.id}?force=true`);
    expect(forced.status).toBe(204);
    expect((await api('GET', `/api/organisations/${org.id}`)).status).toBe(404);
    const channels = await api<Page<ChannelView>>('GET', '/api/channels?sort=nickname');
    expect(channels.body.items.map((c) => [c.nickname, c.organisation_id, c.organisation_name])).toEqual([
      ['youth_1', null, null],
      ['youth_2', null, null],
    ]);
    expect(await channelsMatching('молодежи')).toEqual([]);

    const lonely = await create({ name: 'Без каналов' });
    expect((await api('DELETE', `/api/organisations/${lonely.id}`)).status).toBe(204);
    expect((await api('DELETE', `/api/organisations/${lonely.id}`)).status).toBe(404);
  });
});
