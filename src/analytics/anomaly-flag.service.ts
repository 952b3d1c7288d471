import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError } from '../shared/errors.ts';
import { executePrepared } from '../store/prepared.ts';
import type { DB } from '../store/schema.ts';
import type { AnomalyRule } from './anomaly.ts';
import { type AnomalyOptions, detectAnomalies } from './anomaly.ts';
import {
  type ExclusionModeCode,
  type FlagStatus,
  type FlagWithChannel,
  findFlag,
  flagsOfChannels,
  insertFlags,
  reviewFlag,
  type StoredFlag,
} from './anomaly-flag.repository.ts';
import { EXCLUDABLE_RULES, excludeConfirmedSpikes, type ReviewedFlag } from './anomaly-flags.ts';
import { addDays, type Day, moscowDay, moscowDayEnd, moscowDayStart } from './calendar.ts';
import type { DayValue, ValueSource } from './daily-values.repository.ts';
import { readModelValues } from './daily-values.repository.ts';
import type { RatingFlag } from './methodology.ts';
import { channelsWithPosts, postsWithViews } from './post-views.repository.ts';
import { activeChannels, latestDataDay } from './rating-inputs.repository.ts';

/**
 * The anomaly flag workflow: the pure rules (anomaly.ts) run over recent daily series and their findings are
 * stored as open flags; an operator confirms or dismisses each (who, when, why — every review is kept).
 * In ratings an open flag is a note on the row; a confirmed spike / drop / sudden loss is removed from the
 * data before the rating is computed (anomaly-flags.ts), either for that day only or with its jump.
 */

/** Days before the rating date within which open flags are shown on rating rows. */
export const FLAG_NOTE_DAYS = 30;
/** Days of preceding changes the rules need (baseline) plus one. */
const HISTORY_DAYS = 30;

export interface DetectOptions {
  /** Last day to look at (default: the latest day with data). */
  asOf?: Day;
  /** Report flags of the last `days` days up to asOf (default 7). */
  days?: number;
  /** Only these channels (default: every channel that is not removed, or those of `region`). */
  channelIds?: readonly number[];
  region?: string;
  rules?: AnomalyOptions;
  now?: number;
}

export interface DetectResult {
  asOf: Day;
  from: Day;
  channels: number;
  found: number;
  inserted: number;
}

/**
 * Runs the anomaly rules over the channels' daily series (the read model) and stores new flags with a day in
 * [asOf − days + 1, asOf]. Flags already stored are kept as they are (so a reviewed flag is never reopened).
 * The collector can call this after a cycle with the ids it collected.
 */
export async function detectAnomalyFlags(db: Kysely<DB>, options: DetectOptions = {}): Promise<DetectResult> {
  const now = options.now ?? Date.now();
  const asOf = options.asOf ?? (await latestDataDay(db, moscowDay(now))) ?? moscowDay(now);
  const days = options.days ?? 7;
  const from = addDays(asOf, 1 - days);
  const historyFrom = addDays(from, -HISTORY_DAYS);
  const ids =
    options.channelIds ??
    (await activeChannels(db, options.region ? { region: options.region } : {})).map((c) => c.id);
  const source = readModelValues(db);
  let found = 0;
  let inserted = 0;
  const detectedAt = new Date(now).toISOString();
  for (let i = 0; i < ids.length; i += 500) {
    const batch = ids.slice(i, i + 500);
    const [series, withPosts] = await Promise.all([
      source.series(batch, historyFrom, asOf),
      channelsWithPosts(db, batch),
    ]);
    const postIds = batch.filter((id) => withPosts.has(id));
    const posts = await postsWithViews(
      db,
      postIds,
      moscowDayStart(addDays(historyFrom, -16)),
      moscowDayEnd(asOf),
    );
    const flags: Parameters<typeof insertFlags>[1] = [];
    for (const id of batch) {
      const s = series.get(id);
      if (!s || s.length < 2) continue;
      const list = detectAnomalies(s, withPosts.has(id) ? (posts.get(id) ?? []) : null, options.rules);
      for (const flag of list) if (flag.day >= from && flag.day <= asOf) flags.push({ channel_id: id, flag });
    }
    found += flags.length;
    inserted += await insertFlags(db, flags, detectedAt);
  }
  return { asOf, from, channels: ids.length, found, inserted };
}

export interface ReviewInput {
  status: Exclude<FlagStatus, 'open'> | 'open';
  comment: string;
  /** Confirm only: remove the day only ('carry', default) or the whole jump from later days ('level'). */
  mode?: ExclusionModeCode;
  by: string | null;
  now?: number;
}

/** The region a flag belongs to (its channel's region now) — what access control checks. */
export async function flagRegion(db: Kysely<DB>, id: number): Promise<string | null> {
  const flag = await findFlag(db, id);
  if (!flag) throw new NotFoundError(`Пометка ${id} не найдена / flag ${id} not found`);
  return flag.region_code;
}

/** Confirms, dismisses or reopens a flag; the review (who, when, why) is recorded with it. */
export async function reviewAnomalyFlag(
  db: Kysely<DB>,
  id: number,
  review: ReviewInput,
): Promise<FlagWithChannel> {
  return db.transaction().execute(async (trx) => {
    const flag = await findFlag(trx, id);
    if (!flag) throw new NotFoundError(`Пометка ${id} не найдена / flag ${id} not found`);
    const mode = review.status === 'confirmed' ? (review.mode ?? 'carry') : null;
    if (flag.status === review.status && (mode === null || mode === flag.exclusion_mode)) {
      throw new ConflictError(
        `Пометка ${id} уже в состоянии «${review.status}» / flag ${id} is already ${review.status}`,
        {
          status: flag.status,
        },
      );
    }
    await reviewFlag(trx, id, {
      status: review.status,
      mode,
      comment: review.comment,
      by: review.by,
      at: new Date(review.now ?? Date.now()).toISOString(),
    });
    return (await findFlag(trx, id))!;
  });
}

// --------------------------------------------------------------------------------------- flags in ratings

export interface FlagContext {
  /** channel id → notes for rating rows: open flags of the last FLAG_NOTE_DAYS days and exclusions made. */
  notes: Map<number, RatingFlag[]>;
  /** channel id → confirmed spike / drop / sudden-loss flags up to the rating date. */
  confirmed: Map<number, StoredFlag[]>;
}

function dayRu(day: Day): string {
  return `${day.slice(8, 10)}.${day.slice(5, 7)}.${day.slice(0, 4)}`;
}

/** Flags of the channels (not removed) of a category and/or region, with each flagged channel's region. */
export async function scopeFlagContext(
  db: Kysely<DB>,
  date: Day,
  filter: { category?: string | null; region?: string | null } = {},
): Promise<FlagContext & { regions: Map<number, string | null> }> {
  // Flags first (usually few or none), then their channels: a join led by the channels would read the
  // register (a quarter of a million rows) to find no flag.
  const flagged = await executePrepared(
    db,
    db
      .selectFrom('anomaly_flags')
      .select('channel_id')
      .distinct()
      .where('day', '<=', date)
      .where('status', '!=', 'dismissed'),
  );
  const rows: { channel_id: number; region_code: string | null }[] = [];
  for (let i = 0; i < flagged.length; i += 1000) {
    let q = db
      .selectFrom('channels as c')
      .select(['c.id as channel_id', 'c.region_code'])
      .where(
        'c.id',
        'in',
        flagged.slice(i, i + 1000).map((f) => f.channel_id),
      )
      .where('c.status', '!=', 'removed');
    if (filter.category) q = q.where('c.category', '=', filter.category);
    if (filter.region) q = q.where('c.region_code', '=', filter.region);
    rows.push(...(await q.execute()));
  }
  const context = await flagContext(
    db,
    rows.map((r) => r.channel_id),
    date,
  );
  return { ...context, regions: new Map(rows.map((r) => [r.channel_id, r.region_code])) };
}

export async function flagContext(
  db: Kysely<DB>,
  channelIds: readonly number[],
  date: Day,
): Promise<FlagContext> {
  const wanted = new Set(channelIds);
  const stored = await flagsOfChannels(
    db,
    channelIds.length >= 2000 ? 'all' : channelIds,
    '0001-01-01',
    date,
  );
  const notes = new Map<number, RatingFlag[]>();
  const confirmed = new Map<number, StoredFlag[]>();
  const noteFrom = addDays(date, 1 - FLAG_NOTE_DAYS);
  const push = <T>(map: Map<number, T[]>, id: number, item: T) => {
    const list = map.get(id) ?? [];
    list.push(item);
    map.set(id, list);
  };
  for (const f of stored) {
    if (!wanted.has(f.channel_id)) continue;
    const excludable = f.status === 'confirmed' && EXCLUDABLE_RULES.includes(f.rule as AnomalyRule);
    if (excludable) push(confirmed, f.channel_id, f);
    if (f.day < noteFrom) continue;
    if (f.status === 'open') {
      push(notes, f.channel_id, {
        code: `anomaly:${f.rule}`,
        day: f.day,
        reason_ru: `Непроверенная аномалия: ${f.reason_ru}`,
        reason_en: `Unreviewed anomaly: ${f.reason_en}`,
      });
    } else if (excludable) {
      push(notes, f.channel_id, {
        code: `excluded:anomaly:${f.rule}`,
        day: f.day,
        reason_ru: `Подтверждённая аномалия ${dayRu(f.day)} исключена из данных${f.exclusion_mode === 'level' ? ' вместе со скачком' : ''}`,
        reason_en: `Confirmed anomaly of ${f.day} removed from the data${f.exclusion_mode === 'level' ? ' with its jump' : ''}`,
      });
    }
  }
  return { notes, confirmed };
}

/**
 * Replaces the values at `day` of channels with confirmed flags by the values their series has once the
 * confirmed days are removed (per flag: that day only, or with its jump). Returns a new map.
 */
export async function excludeConfirmed(
  source: ValueSource,
  values: Map<number, DayValue>,
  confirmed: Map<number, StoredFlag[]>,
  day: Day,
): Promise<Map<number, DayValue>> {
  const affected = [...confirmed]
    .map(([id, flags]) => [id, flags.filter((f) => f.day <= day)] as const)
    .filter(([id, flags]) => flags.length > 0 && values.has(id));
  if (affected.length === 0) return values;
  const out = new Map(values);
  const first = affected.flatMap(([, flags]) => flags.map((f) => f.day)).sort()[0] ?? day;
  const series = await source.series(
    affected.map(([id]) => id),
    addDays(first, -1),
    day,
  );
  for (const [id, flags] of affected) {
    const points = series.get(id);
    if (!points || points.length === 0) continue;
    const reviewed = (mode: string): ReviewedFlag[] =>
      flags
        .filter((f) => f.exclusion_mode === mode)
        .map((f) => ({ rule: f.rule as AnomalyRule, day: f.day, confirmed: true }));
    const adjusted = excludeConfirmedSpikes(
      excludeConfirmedSpikes(points, reviewed('carry'), 'carry'),
      reviewed('level'),
      'level',
    );
    const last = adjusted.filter((p) => p.day <= day).at(-1);
    const current = out.get(id)!;
    if (!last || last.subscribers === null) out.delete(id);
    else out.set(id, { subscribers: last.subscribers, observedAt: current.observedAt });
  }
  return out;
}
