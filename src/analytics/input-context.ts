import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { excludeConfirmed, type FlagContext } from './anomaly-flag.service.ts';
import { type Day, MS_PER_DAY, moscowDayEnd } from './calendar.ts';
import type { DayValue, ValueSource } from './daily-values.repository.ts';
import type { RatingFlag } from './methodology.ts';
import { averageViewsAtAge, type PostInput } from './metrics.ts';
import { channelsWithPosts, postsWithViews } from './post-views.repository.ts';
import { type ChannelFacts, type ChannelRow, channelFacts } from './rating-inputs.repository.ts';
import type { RegionChannelFacts } from './region-metrics.ts';

/**
 * What the input builders share while they read one rating's inputs: the value source, the date, the
 * anomaly flags of the scope and every value used (for the inputs' as-of).
 */
export interface InputContext {
  db: Kysely<DB>;
  source: ValueSource;
  date: Day;
  flags: FlagContext & { regions: Map<number, string | null> };
  used: DayValue[];
}

/** Channel values at `day` with confirmed anomalies removed; the raw values count for the as-of. */
export async function values(
  ctx: InputContext,
  ids: readonly number[],
  day: Day,
): Promise<Map<number, DayValue>> {
  const raw = await ctx.source.valuesAt(ids, day);
  const out = await excludeConfirmed(ctx.source, raw, ctx.flags.confirmed, day);
  for (const v of raw.values()) ctx.used.push(v);
  return out;
}

export function notesOf(ctx: InputContext, ids: readonly number[]): RatingFlag[] {
  return ids.flatMap((id) => ctx.flags.notes.get(id) ?? []);
}

/** Notes of the channels of each region (flagged channels only: the flags know their regions). */
export function notesByRegion(ctx: InputContext): Record<string, RatingFlag[]> {
  const out: Record<string, RatingFlag[]> = {};
  for (const [id, notes] of ctx.flags.notes) {
    const region = ctx.flags.regions.get(id);
    if (region) out[region] = [...(out[region] ?? []), ...notes];
  }
  return out;
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string | null): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const list = out.get(k) ?? [];
    list.push(item);
    out.set(k, list);
  }
  return out;
}

export function maxObserved(list: readonly DayValue[]): number | null {
  let max: number | null = null;
  for (const v of list) if (max === null || v.observedAt > max) max = v.observedAt;
  return max;
}

/** Posts (with views) of the channels whose posts are collected, for the `days` days ending with `date`. */
export async function recentPosts(db: Kysely<DB>, ids: readonly number[], date: Day, days = 38) {
  const collected = await channelsWithPosts(db, ids);
  const end = moscowDayEnd(date);
  return postsWithViews(
    db,
    ids.filter((id) => collected.has(id)),
    end - days * MS_PER_DAY,
    end,
  );
}

/** Facts of channels at the date and at the start of the growth period. */
export async function factsOf(
  ctx: InputContext,
  channels: readonly ChannelRow[],
  periodStart: Day,
): Promise<ChannelFacts[]> {
  const ids = channels.map((c) => c.id);
  const now = await values(ctx, ids, ctx.date);
  const start = await values(ctx, ids, periodStart);
  return channelFacts(ctx.db, channels, now, start, ctx.date);
}

/** A channel's facts as region metrics take them (views only when posts are given). */
export function regionFacts(
  f: ChannelFacts,
  posts: Map<number, PostInput[]> | null,
  date: Day,
): RegionChannelFacts {
  const own = posts?.get(f.id);
  return {
    id: String(f.id),
    category: f.category,
    subscribers: f.value?.subscribers ?? null,
    subscribersAtStart: f.start?.subscribers ?? null,
    postsPerWeek: f.postsPerWeek,
    pageComplete: f.pageComplete,
    ...(posts
      ? {
          views24h: own ? averageViewsAtAge(own, date, '24h') : null,
          views7d: own ? averageViewsAtAge(own, date, '7d') : null,
        }
      : {}),
  };
}
