import { type Kysely, sql, type Transaction } from 'kysely';
import { executePrepared } from '../store/prepared.ts';
import type { DB } from '../store/schema.ts';
import { type Day, dayFromNumber, dayNumber, moscowDay, moscowDayStart } from './calendar.ts';

type Db = Kysely<DB> | Transaction<DB>;
type AnyDb = Db | Kysely<unknown>;

/**
 * `region_activity`: per region × category × day, the channels whose posting is known (posts collected) with
 * at least AGGREGATED_ACTIVE_THRESHOLD posts a week — posts in the 28 days up to the day / 4, the activity of
 * the methodology with its default threshold. Kept when posts are written (`applyPostActivity`, in the same
 * transaction), so an activity share reads a few hundred rows instead of every post of 28 days. A channel's
 * posts count from the moment they are written for a channel whose posting is known; a region whose channels'
 * posts are not all reflected (a channel moved or deleted, posting known only after its posts were stored) is
 * marked by the database (`region_channels.posting_stale`) and its activity is counted from the posts.
 */

export const AGGREGATED_ACTIVE_THRESHOLD = 3;
const MIN_POSTS = AGGREGATED_ACTIVE_THRESHOLD * 4;
const WINDOW = 28;

interface Group {
  region_code: string;
  category: string;
}

/** Channel → posts per Moscow day number. */
function countsByDay(rows: readonly { channel_id: number; published_at: number }[]) {
  const out = new Map<number, Map<number, number>>();
  for (const r of rows) {
    const days = out.get(r.channel_id) ?? new Map<number, number>();
    const n = dayNumber(moscowDay(Number(r.published_at)));
    days.set(n, (days.get(n) ?? 0) + 1);
    out.set(r.channel_id, days);
  }
  return out;
}

function windowSum(days: Map<number, number> | undefined, d: number): number {
  if (!days) return 0;
  let sum = 0;
  for (let k = d - WINDOW + 1; k <= d; k++) sum += days.get(k) ?? 0;
  return sum;
}

async function addActive(db: AnyDb, cells: Map<string, number>): Promise<void> {
  const rows = [...cells].filter(([, n]) => n !== 0);
  for (let i = 0; i < rows.length; i += 2000) {
    const values = rows.slice(i, i + 2000).map(([key, n]) => {
      const [region, category, day] = key.split('|') as [string, string, string];
      return sql`(${region}, ${category}, ${day}, ${n})`;
    });
    await sql`insert into region_activity (region_code, category, day, active) values ${sql.join(values)}
      on conflict (region_code, category, day) do update set active = region_activity.active + excluded.active`.execute(
      db,
    );
  }
}

/** Brings region_activity up to date with newly stored posts (call in the posts' transaction). */
export async function applyPostActivity(
  db: Db,
  inserted: readonly { channel_id: number; published_at: number }[],
): Promise<void> {
  if (inserted.length === 0) return;
  const ids = [...new Set(inserted.map((p) => p.channel_id))];
  const groups = new Map<number, Group>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db
      .selectFrom('channels as c')
      .innerJoin('channel_state as s', 's.channel_id', 'c.id')
      .select(['c.id', 'c.region_code', 'c.category'])
      .where('c.id', 'in', ids.slice(i, i + 1000))
      .where('c.region_code', 'is not', null)
      .where('s.posts_checked_at', 'is not', null)
      .execute();
    for (const r of rows) groups.set(r.id, { region_code: r.region_code!, category: r.category });
  }
  const fresh = countsByDay(inserted.filter((p) => groups.has(p.channel_id)));
  if (fresh.size === 0) return;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const days of fresh.values())
    for (const n of days.keys()) {
      lo = Math.min(lo, n);
      hi = Math.max(hi, n);
    }
  const eligible = [...fresh.keys()];
  const all: { channel_id: number; published_at: number }[] = [];
  for (let i = 0; i < eligible.length; i += 1000) {
    all.push(
      ...(await db
        .selectFrom('posts')
        .select(['channel_id', 'published_at'])
        .where('channel_id', 'in', eligible.slice(i, i + 1000))
        .where('published_at', '>=', moscowDayStart(dayFromNumber(lo - WINDOW + 1)))
        .where('published_at', '<', moscowDayStart(dayFromNumber(hi + WINDOW)))
        .execute()),
    );
  }
  const counts = countsByDay(all);
  const cells = new Map<string, number>();
  for (const [id, added] of fresh) {
    const g = groups.get(id)!;
    const affected = new Set<number>();
    for (const n of added.keys()) for (let d = n; d < n + WINDOW; d++) affected.add(d);
    for (const d of affected) {
      const after = windowSum(counts.get(id), d);
      const before = after - windowSum(added, d);
      if (before < MIN_POSTS && after >= MIN_POSTS) {
        const key = `${g.region_code}|${g.category}|${dayFromNumber(d)}`;
        cells.set(key, (cells.get(key) ?? 0) + 1);
      }
    }
  }
  await addActive(db, cells);
}

/** Recomputes region_activity from the posts (and clears the stale marks). */
export async function rebuildRegionActivity(db: AnyDb): Promise<void> {
  await sql`delete from region_activity`.execute(db);
  const { rows } = await sql<{
    channel_id: number;
    region_code: string;
    category: string;
    published_at: number;
  }>`
    select p.channel_id, c.region_code, c.category, p.published_at from posts p
      join channels c on c.id = p.channel_id join channel_state s on s.channel_id = p.channel_id
    where c.region_code is not null and s.posts_checked_at is not null`.execute(db);
  const groups = new Map<number, Group>();
  for (const r of rows) groups.set(r.channel_id, { region_code: r.region_code, category: r.category });
  const cells = new Map<string, number>();
  for (const [id, days] of countsByDay(rows)) {
    const g = groups.get(id)!;
    const numbers = [...days.keys()];
    const first = Math.min(...numbers);
    const last = Math.max(...numbers) + WINDOW - 1;
    let sum = windowSum(days, first - 1);
    for (let d = first; d <= last; d++) {
      sum += (days.get(d) ?? 0) - (days.get(d - WINDOW) ?? 0);
      if (sum < MIN_POSTS) continue;
      const key = `${g.region_code}|${g.category}|${dayFromNumber(d)}`;
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
  }
  await addActive(db, cells);
  await sql`update region_channels set posting_stale = 0`.execute(db);
}

/** region → active channels at `day` (default threshold) from region_activity. */
export async function activeFromAggregate(db: Db, day: Day): Promise<Map<string, number>> {
  const rows = await executePrepared(
    db,
    db
      .selectFrom('region_activity')
      .select((eb) => ['region_code', eb.fn.sum<number>('active').as('n')])
      .where('day', '=', day)
      .groupBy('region_code'),
  );
  return new Map(rows.map((r) => [r.region_code, Number(r.n)]));
}
