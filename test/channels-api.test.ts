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

describeEachDialect('channels API', (store) => {
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

  it('creates channels from each nickname form and stores the bare nickname and canonical URL', async () => {
    const forms = [
      ['max.ru/glava_ba', 'glava_ba'],
      ['https://max.ru/Ufa.City', 'ufa.city'],
      ['@MinObr-RB', 'minobr-rb'],
      ['school_1', 'school_1'],
    ] as const;
    for (const [input, nickname] of forms) {
      const created = await create({ nickname: input, region_code: 'ru-ba', category: 'school' });
      expect(created).toMatchObject({
        platform: 'max',
        nickname,
        url: `https://max.ru/${nickname}`,
        region_code: 'RU-BA',
        region_name_ru: 'Республика Башкортостан',
        status: 'active',
        official_confirmed: false,
      });
      const fetched = await api<ChannelView>('GET', `/api/channels/${created.id}`);
      expect(fetched.status).toBe(200);
      expect(fetched.body).toEqual(created);
    }

    const vk = await create({
      platform: 'vk',
      nickname: 'https://vk.com/Glava_BA',
      official_confirmed: true,
    });
    expect(vk).toMatchObject({ platform: 'vk', nickname: 'glava_ba', url: 'https://vk.com/glava_ba' });
    expect(vk.official_confirmed).toBe(true);

    const byChat = await create({ chat_id: '-70123456789', title: 'Закрытый канал' });
    expect(byChat).toMatchObject({ nickname: null, chat_id: '-70123456789', url: null });

    const byUrl = await create({ url: 'https://max.ru/from_url' });
    expect(byUrl).toMatchObject({ nickname: 'from_url', url: 'https://max.ru/from_url' });

    const wrongHost = await api<ApiError>('POST', '/api/channels', {
      nickname: 'https://vk.com/someone',
      category: 'other',
    });
    expect(wrongHost.status).toBe(400);
    expect(wrongHost.body.error.code).toBe('validation_failed');
    expect((wrongHost.body.error.details as FieldDetail[]).map((d) => d.path)).toEqual(['body/nickname']);

    const noIdentity = await api<ApiError>('POST', '/api/channels', {
      title: 'Без адреса',
      category: 'other',
    });
    expect(noIdentity.status).toBe(400);
    expect((noIdentity.body.error.details as FieldDetail[])[0]?.path).toBe('body/nickname');
  });

  it('checks region and organisation, and takes region, level and municipality from the organisation', async () => {
    const unknownRegion = await api<ApiError>('POST', '/api/channels', {
      nickname: 'x1',
      region_code: 'RU-XX',
      category: 'other',
    });
    expect(unknownRegion.status).toBe(400);
    expect(unknownRegion.body.error.details).toEqual([
      { path: 'body/region_code', message: 'Unknown region RU-XX' },
    ]);

    const unknownOrg = await api<ApiError>('POST', '/api/channels', {
      nickname: 'x1',
      organisation_id: 999,
      category: 'other',
    });
    expect(unknownOrg.status).toBe(400);
    expect((unknownOrg.body.error.details as FieldDetail[])[0]?.path).toBe('body/organisation_id');

    const org = await api<OrganisationView>('POST', '/api/organisations', {
      name: 'Администрация города Казани',
      category: 'local_government',
      level: 'municipal',
      region_code: 'RU-TA',
      municipality: 'Казань',
    });
    expect(org.status).toBe(201);
    const channel = await create({
      nickname: 'kzn',
      organisation_id: org.body.id,
      category: 'local_government',
    });
    expect(channel).toMatchObject({
      organisation_id: org.body.id,
      organisation_name: 'Администрация города Казани',
      region_code: 'RU-TA',
      region_name_ru: 'Республика Татарстан (Татарстан)',
      level: 'municipal',
      municipality: 'Казань',
    });
    const explicit = await create({
      nickname: 'kzn2',
      organisation_id: org.body.id,
      region_code: null,
      level: 'regional',
    });
    expect(explicit).toMatchObject({ region_code: null, level: 'regional', municipality: 'Казань' });

    const byOrganisationName = await list('?q=%D0%BA%D0%B0%D0%B7%D0%B0%D0%BD%D0%B8'); // "казани"
    expect(byOrganisationName.items.map((c) => c.nickname).sort()).toEqual(['kzn', 'kzn2']);
    const byOrganisationId = await list(
      `?organisation_id=${org.body.id}&municipality=${encodeURIComponent('Казань')}`,
    );
    expect(byOrganisationId.total).toBe(2);
  });

  it('PATCH changes only the given fields and keeps derived fields right', async () => {
    const original = await create({
      nickname: 'old_nick',
      title: 'Минздрав',
      municipality: 'Уфа',
      region_code: 'RU-BA',
      page_class: 'active',
      category: 'healthcare',
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const patched = await api<ChannelView>('PATCH', `/api/channels/${original.id}`, {
      nickname: 'https://max.ru/New_Nick',
      municipality: null,
      official_confirmed: true,
      status: 'candidate',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      id: original.id,
      nickname: 'new_nick',
      url: 'https://max.ru/new_nick',
      title: 'Минздрав',
      municipality: null,
      region_code: 'RU-BA',
      page_class: 'active',
      category: 'healthcare',
      official_confirmed: true,
      status: 'candidate',
      created_at: original.created_at,
    });
    expect(patched.body.updated_at > original.updated_at).toBe(true);
    expect((await list('?q=new_nick')).total).toBe(1);
    expect((await list('?q=old_nick')).total).toBe(0);
    expect((await list(`?q=${encodeURIComponent('уфа')}`)).total).toBe(0);

    const moved = await api<ChannelView>('PATCH', `/api/channels/${original.id}`, {
      region_code: 'ru-ta',
      url: 'https://max.ru/elsewhere',
    });
    expect(moved.body).toMatchObject({
      region_code: 'RU-TA',
      region_name_ru: 'Республика Татарстан (Татарстан)',
      url: 'https://max.ru/elsewhere',
    });

    const empty = await api<ApiError>('PATCH', `/api/channels/${original.id}`, {});
    expect(empty.status).toBe(400);
    const noIdentity = await api<ApiError>('PATCH', `/api/channels/${original.id}`, { nickname: null });
    expect(noIdentity.status).toBe(400);
    const badRegion = await api<ApiError>('PATCH', `/api/channels/${original.id}`, { region_code: 'RU-ZZ' });
    expect(badRegion.status).toBe(400);
    const other = await create({ nickname: 'taken' });
    const duplicate = await api<ApiError>('PATCH', `/api/channels/${original.id}`, { nickname: '@taken' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.details).toEqual([
      { field: 'nickname', value: 'taken', existing_id: other.id, existing_status: 'active' },
    ]);
    const same = await api<ChannelView>('PATCH', `/api/channels/${original.id}`, { nickname: 'new_nick' });
    expect(same.status).toBe(200);
  });

  it('soft-deletes to status removed, hard-deletes the row with its observations', async () => {
    const soft = await create({ nickname: 'soft' });
    const hard = await create({ nickname: 'hard' });
    const { db } = store();
    const now = Date.now();
    for (const channel of [soft, hard]) {
      await db
        .insertInto('observations')
        .values({
          channel_id: channel.id,
          source: 'bot_api',
          bucket: now,
          observed_at: now,
          subscribers: 100,
          messages_count: null,
        })
        .execute();
    }

    const removed = await api<ChannelView>('DELETE', `/api/channels/${soft.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ id: soft.id, status: 'removed', nickname: 'soft' });
    expect((await api<ChannelView>('GET', `/api/channels/${soft.id}`)).body.status).toBe('removed');
    expect((await list('?status=removed')).items.map((c) => c.id)).toEqual([soft.id]);

    const gone = await api('DELETE', `/api/channels/${hard.id}?hard=true`);
    expect(gone.status).toBe(204);
    expect(gone.body).toBeUndefined();
    expect((await api<ApiError>('GET', `/api/channels/${hard.id}`)).status).toBe(404);
    const observations = await db.selectFrom('observations').select('channel_id').execute();
    expect(observations.map((o) => o.channel_id)).toEqual([soft.id]);
    expect((await api('DELETE', `/api/channels/${hard.id}?hard=true`)).status).toBe(404);
    expect((await api('DELETE', `/api/channels/${soft.id}?hard=maybe`)).status).toBe(400);
  });

  it('answers 404 for unknown channels and 400 for malformed ids', async () => {
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { title: 'x' }],
      ['DELETE', undefined],
    ] as const) {
      const response = await api<ApiError>(method, '/api/channels/424242', body);
      expect(response.status, method).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    }
    const malformed = await api<ApiError>('GET', '/api/channels/abc');
    expect(malformed.status).toBe(400);
    expect((malformed.body.error.details as FieldDetail[])[0]?.path).toBe('params/id');
  });

  it('answers 409 with details for a duplicate platform+nickname or platform+chat_id', async () => {
    const first = await create({ nickname: 'dup', chat_id: '12345' });
    const byNickname = await api<ApiError>('POST', '/api/channels', {
      nickname: 'https://max.ru/DUP',
      category: 'other',
    });
    expect(byNickname.status).toBe(409);
    expect(byNickname.body.error.code).toBe('conflict');
    expect(byNickname.body.error.details).toEqual([
      { field: 'nickname', value: 'dup', existing_id: first.id, existing_status: 'active' },
    ]);
    const byChat = await api<ApiError>('POST', '/api/channels', { chat_id: '12345', category: 'other' });
    expect(byChat.status).toBe(409);
    expect(byChat.body.error.details).toEqual([
      { field: 'chat_id', value: '12345', existing_id: first.id, existing_status: 'active' },
    ]);
    const both = await api<ApiError>('POST', '/api/channels', {
      nickname: 'dup',
      chat_id: '12345',
      category: 'other',
    });
    expect((both.body.error.details as unknown[]).length).toBe(2);
    // Same nickname on another platform is another channel.
    expect(
      (await api('POST', '/api/channels', { platform: 'telegram', nickname: 'dup', category: 'other' }))
        .status,
    ).toBe(201);
    // A soft-deleted channel still holds its address.
    await api('DELETE', `/api/channels/${first.id}`);
    const again = await api<ApiError>('POST', '/api/channels', { nickname: 'dup', category: 'other' });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toEqual([
      { field: 'nickname', value: 'dup', existing_id: first.id, existing_status: 'removed' },
    ]);
  });

  it('answers 400 listing each bad field: unknown fields, bad enums, bad formats', async () => {
    const response = await api<ApiError>('POST', '/api/channels', {
      nickname: 'ok_nick',
      category: 'bakery',
      status: 'sleeping',
      chat_id: '12a',
      colour: 'red',
      size: 3,
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    const paths = (response.body.error.details as FieldDetail[]).map((d) => d.path).sort();
    expect(paths).toEqual(['body/category', 'body/chat_id', 'body/colour', 'body/size', 'body/status']);

    const badNick = await api<ApiError>('POST', '/api/channels', {
      nickname: 'max.ru/a b!',
      category: 'other',
    });
    expect(badNick.status).toBe(400);
    expect((badNick.body.error.details as FieldDetail[]).map((d) => d.path)).toEqual(['body/nickname']);
    const wrongType = await api<ApiError>('POST', '/api/channels', {
      nickname: 'fine',
      category: 'other',
      official_confirmed: 'yes',
    });
    expect((wrongType.body.error.details as FieldDetail[]).map((d) => d.path)).toEqual([
      'body/official_confirmed',
    ]);
    const notJson = await api<ApiError>('POST', '/api/channels', '{"nickname": ', {
      'content-type': 'application/json',
    });
    expect(notJson.status).toBe(400);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const text = await fetch(`${server.url}/api/channels`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'nickname=x',
    });
    expect(text.status).toBe(415);
    expect(((await text.json()) as ApiError).error.code).toBe('unsupported_media_type');
    const form = await fetch(`${server.url}/api/channels/1`, {
      method: 'PATCH',
      body: new URLSearchParams({ title: 'x' }),
    });
    expect(form.status).toBe(415);
    const json = await api(
      'POST',
      '/api/channels',
      { nickname: 'fine' },
      { 'content-type': 'application/json; charset=utf-8' },
    );
    expect(json.status).toBe(400); // category missing: JSON accepted, then validated
  });
});
