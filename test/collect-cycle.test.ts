import { afterEach, expect, it } from 'vitest';
import { FIRST_POSTS_WINDOW_MS, postsReadSince } from '../src/collect/channel-collector.ts';
import { runCollectionCycle } from '../src/collect/collection.service.ts';
import { classifyCollectError, createMaxSource } from '../src/collect/max-source.ts';
import type { Emulator } from '../src/emulator/emulator.server.ts';
import { emulatedWorld, worldIndex } from './helpers/collect.ts';
import { describeEachDialect } from './helpers/stores.ts';

describeEachDialect('collection cycle against the emulator', (store) => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('completes under 20% injected faults with exactly one observation per channel and bucket, matching the truth', async () => {
    const { db } = store();
    const world = await emulatedWorld(db, { channels: 150, rate: 200 });
    emulator = world.emulator;
    emulator.faults({
      error5xxRatio: 0.06,
      timeoutRatio: 0.04,
      malformedJsonRatio: 0.05,
      resetRatio: 0.05,
      timeoutHoldMs: 800,
    });
    const source = createMaxSource(world.config.max);
    const summary = await runCollectionCycle(db, source, { mode: 'once', classify: classifyCollectError });
    expect(summary.status).toBe('finished');
    const faults = emulator.stats().faults;
    expect(faults.error5xx + faults.timeout + faults.reset + faults.malformedJson).toBeGreaterThan(20);

    const channels = await db.selectFrom('channels').select(['id', 'nickname', 'chat_id']).execute();
    const observations = await db.selectFrom('observations').selectAll().execute();
    const byChannel = new Map<number, typeof observations>();
    for (const o of observations) byChannel.set(o.channel_id, [...(byChannel.get(o.channel_id) ?? []), o]);
    const states = new Map(
      (await db.selectFrom('channel_state').selectAll().execute()).map((s) => [s.channel_id, s]),
    );
    let checked = 0;
    for (const c of channels) {
      const rows = byChannel.get(c.id) ?? [];
      const state = states.get(c.id)!;
      const index = worldIndex(emulator, c.nickname!);
      const params = emulator.world.params(index);
      const gone = params.deletedAt !== null && params.deletedAt <= Date.now();
      const botRemoved = params.botRemovedAt !== null && params.botRemovedAt <= Date.now();
      const pageOnlyPrivate = c.chat_id === null && !params.isPublic;
      if (gone || (c.chat_id !== null && botRemoved) || pageOnlyPrivate) {
        // A definitive answer from MAX: recorded as a failure of its kind, never as a zero audience.
        expect(rows).toHaveLength(0);
        expect(state.last_error_kind).toMatch(/not_found|chat_removed|page_private|page_not_found/);
        continue;
      }
      expect(rows, `channel ${c.nickname}: ${state.last_error_kind} ${state.last_error}`).toHaveLength(1);
      const o = rows[0]!;
      const truth = emulator.world.participantsAt(index, o.observed_at);
      expect(Math.abs(o.subscribers - truth)).toBeLessThanOrEqual(Math.max(2, truth * 0.002));
      expect(o.source).toBe(c.chat_id === null ? 'public_page' : 'bot_api');
      checked += 1;
    }
    expect(checked).toBeGreaterThan(120);
    // The run is recorded with its counters.
    const run = await db
      .selectFrom('collection_runs')
      .selectAll()
      .where('id', '=', summary.runId)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('finished');
    expect(run.channels_ok + run.channels_failed).toBe(channels.length);

    // Running again in the same hour stores nothing twice.
    emulator.faults({ error5xxRatio: 0, timeoutRatio: 0, malformedJsonRatio: 0, resetRatio: 0 });
    await runCollectionCycle(db, source, { mode: 'once', all: true, classify: classifyCollectError });
    const again = await db
      .selectFrom('observations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(again.n)).toBe(observations.length);
  });

  it('learns posts with their views where the bot is an administrator', async () => {
    const { db } = store();
    const world = await emulatedWorld(db, { channels: 200, rate: 400 });
    emulator = world.emulator;
    const source = createMaxSource(world.config.max);
    await runCollectionCycle(db, source, { mode: 'once', classify: classifyCollectError });
    // Page reads (channels known by nickname only) are counted apart from Bot API requests, whose rate limit
    // the run's rate is compared with.
    const run = await db.selectFrom('collection_runs').selectAll().executeTakeFirstOrThrow();
    const byNickname = await db
      .selectFrom('channels')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('chat_id', 'is', null)
      .executeTakeFirstOrThrow();
    expect(Number(byNickname.n)).toBeGreaterThan(0);
    expect(run.page_requests).toBe(Number(byNickname.n));
    expect(run.requests).toBeGreaterThanOrEqual(200 - Number(byNickname.n));
    const admins = await db
      .selectFrom('channel_state')
      .select('channel_id')
      .where('bot_admin', '=', 1)
      .execute();
    const members = await db
      .selectFrom('channel_state')
      .select('channel_id')
      .where('bot_admin', '=', 0)
      .execute();
    expect(admins.length).toBeGreaterThan(10);
    expect(members.length).toBeGreaterThan(0);
    const views = await db.selectFrom('post_observations').selectAll().limit(50).execute();
    expect(views.length).toBeGreaterThan(0);
    for (const v of views) expect(v.views).toBeGreaterThanOrEqual(0);
    // Only administrators' posts are read.
    const postChannels = await db.selectFrom('posts').select('channel_id').distinct().execute();
    const adminSet = new Set(admins.map((a) => a.channel_id));
    for (const p of postChannels) expect(adminSet.has(p.channel_id)).toBe(true);

    // A channel's first read goes back FIRST_POSTS_WINDOW_MS (activity is counted over 28 days), not 8 days:
    // every post the world published in that window (a minute inside each end) is stored.
    const stored = await db
      .selectFrom('posts as p')
      .innerJoin('channels as c', 'c.id', 'p.channel_id')
      .innerJoin('channel_state as s', 's.channel_id', 'c.id')
      .select(['c.nickname', 'p.post_id', 's.posts_checked_at'])
      .execute();
    const byChannel = new Map<string, { ids: Set<string>; checkedAt: number }>();
    for (const r of stored) {
      const entry = byChannel.get(r.nickname!) ?? { ids: new Set(), checkedAt: Number(r.posts_checked_at) };
      entry.ids.add(r.post_id);
      byChannel.set(r.nickname!, entry);
    }
    let older = 0;
    for (const [nickname, { ids, checkedAt }] of byChannel) {
      const expected = emulator.world.messagesAt(
        worldIndex(emulator, nickname),
        checkedAt - FIRST_POSTS_WINDOW_MS + 60_000,
        checkedAt - 60_000,
      );
      for (const post of expected) expect(ids.has(post.mid), `${nickname} ${post.mid}`).toBe(true);
      older += expected.filter((post) => post.publishedAt < checkedAt - 9 * 86_400_000).length;
    }
    expect(older).toBeGreaterThan(0);
  });
});

it('reads posts from 29 days back the first time, 8 days on refresh, and from the last read after a gap', () => {
  const now = Date.parse('2026-03-31T12:00:00Z');
  const day = 86_400_000;
  expect(postsReadSince(now, null)).toBe(now - FIRST_POSTS_WINDOW_MS);
  expect(FIRST_POSTS_WINDOW_MS).toBe(29 * day);
  expect(postsReadSince(now, now - day)).toBe(now - 8 * day);
  expect(postsReadSince(now, now - 15 * day)).toBe(now - 16 * day);
  expect(postsReadSince(now, now - 90 * day)).toBe(now - 29 * day);
  expect(postsReadSince(now, now - day, 10 * day)).toBe(now - 10 * day);
});
