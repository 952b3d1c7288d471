import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { PostInput } from './metrics.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Posts with their views at the ages the metrics use (24 hours, 7 days). The collector reads a post's views
 * whenever it reads the channel's posts (about once a day for 8 days), so a post is seen at ages like 5 h,
 * 29 h, 53 h, … The views "at 24 h" are those of the first observation at an age from 24 h to just under
 * 48 h (likewise 168–191 h for 7 days); a post not seen in that band has no value at that age.
 */

export const AGE_BAND_HOURS = 24;

/** Views at `ageHours` from a post's observations: the first one in [age, age + 24 h); ties → more views. */
export function viewsAtAgeHours(
  observations: readonly { age_hours: number; views: number }[],
  ageHours: number,
): number | null {
  let best: { age_hours: number; views: number } | null = null;
  for (const o of observations) {
    if (o.age_hours < ageHours || o.age_hours >= ageHours + AGE_BAND_HOURS) continue;
    if (!best || o.age_hours < best.age_hours || (o.age_hours === best.age_hours && o.views > best.views))
      best = o;
  }
  return best?.views ?? null;
}

/** channel id → its posts published in [from, to) (epoch ms) with views at 24 h and 7 days. */
export async function postsWithViews(
  db: Db,
  channelIds: readonly number[],
  from: number,
  to: number,
): Promise<Map<number, PostInput[]>> {
  const result = new Map<number, PostInput[]>();
  for (let i = 0; i < channelIds.length; i += 500) {
    const ids = channelIds.slice(i, i + 500);
    const [posts, observations] = await Promise.all([
      db
        .selectFrom('posts')
        .select(['channel_id', 'post_id', 'published_at', 'is_repost', 'text_length'])
        .where('channel_id', 'in', ids)
        .where('published_at', '>=', from)
        .where('published_at', '<', to)
        .execute(),
      db
        .selectFrom('post_observations')
        .select(['channel_id', 'post_id', 'age_hours', 'views'])
        .where('channel_id', 'in', ids)
        .where('observed_at', '>=', from)
        .where((eb) =>
          eb.or([
            eb.and([eb('age_hours', '>=', 24), eb('age_hours', '<', 24 + AGE_BAND_HOURS)]),
            eb.and([eb('age_hours', '>=', 168), eb('age_hours', '<', 168 + AGE_BAND_HOURS)]),
          ]),
        )
        .execute(),
    ]);
    const seen = new Map<string, { age_hours: number; views: number }[]>();
    for (const o of observations) {
      const key = `${o.channel_id}|${o.post_id}`;
      const list = seen.get(key) ?? [];
      list.push(o);
      seen.set(key, list);
    }
    for (const p of posts) {
      const obs = seen.get(`${p.channel_id}|${p.post_id}`) ?? [];
      const list = result.get(p.channel_id) ?? [];
      list.push({
        publishedAt: p.published_at,
        isRepost: p.is_repost === 1,
        views24h: viewsAtAgeHours(obs, 24),
        views7d: viewsAtAgeHours(obs, 168),
        ...(p.text_length === null ? {} : { hasText: p.text_length > 0 }),
      });
      result.set(p.channel_id, list);
    }
  }
  return result;
}

/** Channels whose posts are collected (the bot is an administrator): posting activity is known for them. */
export async function channelsWithPosts(db: Db, channelIds?: readonly number[]): Promise<Set<number>> {
  const q = db.selectFrom('channel_state').select('channel_id').where('posts_checked_at', 'is not', null);
  if (!channelIds || channelIds.length >= 50_000)
    return new Set((await q.execute()).map((r) => r.channel_id));
  const out = new Set<number>();
  for (let i = 0; i < channelIds.length; i += 1000) {
    for (const r of await q.where('channel_id', 'in', channelIds.slice(i, i + 1000)).execute())
      out.add(r.channel_id);
  }
  return out;
}
