import { expect, it } from 'vitest';
import { ensureChannelStates, saveChannelStates } from '../src/collect/channel-state.repository.ts';
import { insertChannel, searchTextOf } from '../src/register/channel.repository.ts';
import { requestJson, startTestServer } from './helpers/api.ts';
import { describeEachDialect } from './helpers/stores.ts';

/** GET /api/collection/failing: the channels whose collection fails now, the longest-failing first. */

interface FailingList {
  items: {
    id: number;
    nickname: string | null;
    region_code: string | null;
    last_error_kind: string | null;
    consecutive_failures: number;
    last_attempt_at: string | null;
    last_success_at: string | null;
  }[];
  total: number;
  page: number;
  per_page: number;
}

describeEachDialect('failing channels of collection', (store) => {
  it('lists failing channels (not removed) by failures, filters by kind, pages, and validates the query', async () => {
    const { db } = store();
    const now = Date.parse('2026-03-10T12:00:00Z');
    const stamp = new Date(now).toISOString();
    const ids: number[] = [];
    for (const [i, status] of ['active', 'active', 'active', 'removed', 'active'].entries()) {
      const c = await insertChannel(db, {
        platform: 'max',
        nickname: `fail_${i}`,
        title: `Канал ${i}`,
        category: 'school',
        region_code: 'RU-BA',
        status,
        official_confirmed: 0,
        search_text: searchTextOf(`fail_${i}`),
        created_at: stamp,
        updated_at: stamp,
      });
      ids.push(c.id);
    }
    await ensureChannelStates(db);
    const failures = [2, 0, 5, 9, 5];
    const kinds = ['timeout', null, 'forbidden', 'timeout', 'timeout'];
    await saveChannelStates(
      db,
      ids.map((id, i) => ({
        channel_id: id,
        consecutive_failures: failures[i]!,
        last_error_kind: kinds[i]!,
        last_error: kinds[i] ? `error ${i}` : null,
        last_attempt_at: now - i * 1000,
        last_success_at: i === 2 ? null : now - 86_400_000,
      })),
    );
    const server = await startTestServer(store());
    try {
      const all = await requestJson<FailingList>(server.url, 'GET', '/api/collection/failing');
      expect(all.status).toBe(200);
      // The removed channel (9 failures) is left out; 5 and 5 tie and keep id order.
      expect(all.body.items.map((c) => [c.nickname, c.consecutive_failures])).toEqual([
        ['fail_2', 5],
        ['fail_4', 5],
        ['fail_0', 2],
      ]);
      expect(all.body.total).toBe(3);
      expect(all.body.items[0]).toMatchObject({
        last_error_kind: 'forbidden',
        last_success_at: null,
        last_attempt_at: new Date(now - 2000).toISOString(),
      });

      const timeouts = await requestJson<FailingList>(
        server.url,
        'GET',
        '/api/collection/failing?kind=timeout',
      );
      expect(timeouts.body.items.map((c) => c.nickname)).toEqual(['fail_4', 'fail_0']);
      expect(timeouts.body.total).toBe(2);

      const second = await requestJson<FailingList>(
        server.url,
        'GET',
        '/api/collection/failing?page=2&per_page=2',
      );
      expect(second.body).toMatchObject({ total: 3, page: 2, per_page: 2 });
      expect(second.body.items.map((c) => c.nickname)).toEqual(['fail_0']);

      const bad = await requestJson(server.url, 'GET', '/api/collection/failing?per_page=0&colour=red');
      expect(bad.status).toBe(400);
    } finally {
      await server.close();
    }
  });
});
