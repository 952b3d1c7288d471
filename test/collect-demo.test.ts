import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { addDays, moscowDay } from '../src/analytics/calendar.ts';
import { postsPerWeekAt } from '../src/analytics/rating-inputs.repository.ts';
import { rebuildRegionActivity } from '../src/analytics/region-activity.repository.ts';
import { POST_HISTORY_DAYS, seedDemo } from '../src/collect/demo.service.ts';
import { World } from '../src/emulator/world.ts';
import { describeEachDialect } from './helpers/stores.ts';

/** The demo's first start: the emulator's world in the register, its past audience and its past posts. */

const DAY = 86_400_000;
const HOUR = 3_600_000;

describeEachDialect('demo seeding', (store) => {
  it('loads past audience and, for channels whose bot is an administrator, past posts with their views, once', async () => {
    const { db } = store();
    const world = new World({ seed: 5, channels: 300 });
    const now = Date.parse('2026-02-10T09:00:00Z');
    const seeded = await seedDemo(db, world, { historyDays: 40, now });
    expect(seeded).not.toBeNull();
    expect(seeded!.posts).toBeGreaterThan(0);

    const ids = new Map(
      (await db.selectFrom('channels').select(['id', 'nickname']).execute()).map((c) => [c.nickname!, c.id]),
    );
    const stored = new Map(
      (
        await db
          .selectFrom('posts')
          .select(['channel_id', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('channel_id')
          .execute()
      ).map((r) => [r.channel_id, Number(r.n)]),
    );
    const states = new Map(
      (
        await db.selectFrom('channel_state').select(['channel_id', 'bot_admin', 'posts_checked_at']).execute()
      ).map((s) => [s.channel_id, s]),
    );
    let administered = 0;
    for (let i = 0; i < world.size; i++) {
      const id = ids.get(world.nicknameOf(i));
      if (id === undefined) continue;
      const admin =
        i % 10 !== 9 &&
        world.params(i).botRole === 'admin' &&
        world.botStatusAt(i, now) === 'active' &&
        world.existsAt(i, now);
      const expected = admin ? world.messagesAt(i, now - POST_HISTORY_DAYS * DAY, now).length : 0;
      expect(stored.get(id) ?? 0, world.nicknameOf(i)).toBe(expected);
      if (admin) {
        administered++;
        expect(states.get(id)).toMatchObject({ bot_admin: 1, posts_checked_at: now });
      } else expect(states.get(id)?.posts_checked_at ?? null).toBeNull();
    }
    expect(administered).toBeGreaterThan(50);

    // Views as a daily read sees them: one past 24 h of age, one past 7 days (for posts old enough).
    const index = [...Array(world.size).keys()].find(
      (i) =>
        i % 10 !== 9 &&
        world.params(i).botRole === 'admin' &&
        world.messagesAt(i, now - 20 * DAY, now - 10 * DAY).length > 0,
    )!;
    const post = world.messagesAt(index, now - 20 * DAY, now - 10 * DAY)[0]!;
    const views = await db
      .selectFrom('post_observations')
      .select(['age_hours', 'views'])
      .where('channel_id', '=', ids.get(world.nicknameOf(index))!)
      .where('post_id', '=', post.mid)
      .orderBy('observed_at')
      .execute();
    expect(views).toEqual([
      { age_hours: 30, views: world.viewsAt(post, post.publishedAt + 30 * HOUR) },
      { age_hours: 174, views: world.viewsAt(post, post.publishedAt + 7 * DAY + 6 * HOUR) },
    ]);

    // Posting activity over 28 days, as ratings read it, is the world's own.
    const day = addDays(moscowDay(now), -1);
    const perWeek = await postsPerWeekAt(db, day, [...ids.values()]);
    const end = Date.parse(`${addDays(day, 1)}T00:00:00+03:00`);
    for (let i = 0; i < world.size; i++) {
      const id = ids.get(world.nicknameOf(i))!;
      if (!perWeek.has(id)) continue;
      expect(perWeek.get(id), world.nicknameOf(i)).toBe(
        world.messagesAt(i, end - 28 * DAY, end - 1).length / 4,
      );
    }
    // The region activity aggregate, kept as the posts were written, equals one rebuilt from them.
    const activity = () =>
      db
        .selectFrom('region_activity')
        .select(['region_code', 'category', sql<string>`cast(day as text)`.as('day'), 'active'])
        .where('active', '!=', 0)
        .orderBy(['region_code', 'category', 'day'])
        .execute();
    const kept = await activity();
    expect(kept.length).toBeGreaterThan(0);
    await rebuildRegionActivity(db);
    expect(await activity()).toEqual(kept);

    expect(await seedDemo(db, world, { historyDays: 40, now })).toBeNull();
  });
});
