import type { Category } from '../register/categories.ts';
import { logNormal, normal, poisson, uniform } from './random.ts';

/**
 * The time-dependent truth of one channel: audience growth, anomalies, posting and views. Everything is a
 * pure function of (seed, channel index, time); `ChannelParams` are derived from hashes on demand.
 *
 * participants(t) = max(0, round(K · G(d) · D(d) · A(t) + S(t) + noise(t)))   for t ≥ createdAt, else 0
 *   d      = days since creation
 *   G(d)   = (L(d) − L(0)) / (1 − L(0)),  L(d) = 1 / (1 + e^(−(d − m)/s))   logistic growth to saturation K
 *   D(d)   = max(0.5, 1 + g · d / 30)                                          slow drift, g per month
 *   A(t)   = 1 − f after a «drop» anomaly at tₐ, else 1                        sudden loss of a share f
 *   S(t)   = B · (0.4 + 0.6 · e^(−(t − tₐ)/14 days)) after a «spike» at tₐ      bought subscribers, partly purged
 *   noise  = σ · lerp(z(day), z(day + 1)),  σ = 0.002 · base + 0.5,  z ~ N(0, 1) per (channel, day)
 * posts on a day ~ Poisson(λ/7 · w(weekday)), w = 1.2 on weekdays, 0.5 at weekends; none after abandonment
 * views(post, t) = ⌊V · (1 − e^(−age/τ))⌋,  V = reach · participants(published) · e^(0.3 z) (· 0.6 for reposts)
 */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** Salts: one per independent property, so that properties do not correlate. */
const S = {
  created: 11,
  size: 12,
  tail: 13,
  tailU: 14,
  mid: 15,
  scale: 16,
  drift: 17,
  rate: 18,
  abandon: 19,
  abandonAt: 20,
  reach: 21,
  tau: 22,
  role: 23,
  publicity: 24,
  removal: 25,
  removalAt: 26,
  anomaly: 27,
  anomalyKind: 28,
  anomalyAt: 29,
  anomalySize: 30,
  noise: 31,
  postCount: 32,
  postTime: 33,
  postViews: 34,
  repost: 35,
  owner: 36,
  extras: 37,
} as const;

export const SALTS = S;

const SIZE: Record<Category, [median: number, sigma: number]> = {
  regional_government: [30_000, 0.25],
  executive_body: [1500, 1.0],
  local_government: [1200, 1.1],
  legislature: [500, 0.9],
  school: [450, 0.75],
  kindergarten: [140, 0.7],
  college_university: [800, 0.8],
  healthcare: [1000, 1.0],
  culture: [250, 0.9],
  youth: [300, 0.9],
  social_protection: [350, 0.9],
  sport: [250, 0.9],
  other: [200, 1.1],
};

/** Posts per week (median) of an active channel. */
const RHYTHM: Partial<Record<Category, number>> = {
  regional_government: 30,
  executive_body: 10,
  local_government: 8,
  legislature: 4,
};

export type AnomalyKind = 'spike' | 'drop';

export interface Anomaly {
  kind: AnomalyKind;
  at: number;
  /** Subscribers added at `at` (spike) or the share lost (drop, 0.2–0.5). */
  magnitude: number;
}

export interface ChannelParams {
  createdAt: number;
  saturation: number;
  midpointDays: number;
  scaleDays: number;
  driftPerMonth: number;
  postsPerWeek: number;
  abandonedAt: number | null;
  reach: number;
  tauHours: number;
  botRole: 'admin' | 'member';
  isPublic: boolean;
  /** The channel is deleted from this instant (API 404, page 404). */
  deletedAt: number | null;
  /** The bot is removed from the channel from this instant (chat status `removed`). */
  botRemovedAt: number | null;
  anomaly: Anomaly | null;
}

export interface ParamsInput {
  seed: number;
  index: number;
  category: Category;
  /** Multiplier of the category's median size (capital, city administration, region population). */
  sizeFactor: number;
  historyStart: number;
  creationDays: number;
  historyEnd: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const minuteFloor = (t: number) => Math.floor(t / 60_000) * 60_000;

/** An instant between 20 days after creation and the end of the history window (removals, anomalies). */
function inWindow(p: ParamsInput, createdAt: number, salt: number): number {
  const lo = createdAt + 20 * DAY_MS;
  return minuteFloor(lo + uniform(p.seed, p.index, salt) * Math.max(DAY_MS, p.historyEnd - lo));
}

export function channelParams(p: ParamsInput): ChannelParams {
  const { seed, index: i, category } = p;
  const flagship = category === 'regional_government';
  const createdSpan = flagship ? 20 : p.creationDays;
  const createdAt = minuteFloor(p.historyStart + uniform(seed, i, S.created) * createdSpan * DAY_MS);
  const [median, sigma] = SIZE[category];
  let saturation = logNormal(median * p.sizeFactor, sigma, seed, i, S.size);
  if (!flagship && uniform(seed, i, S.tail) < 0.01) {
    saturation *= Math.min(15, uniform(seed, i, S.tailU) ** (-1 / 1.5));
  }
  saturation = flagship ? clamp(saturation, 9000, 50_000) : clamp(saturation, 5, 25_000);
  const abandoned = !flagship && uniform(seed, i, S.abandon) < 0.15;
  const removal = flagship ? 1 : uniform(seed, i, S.removal);
  let anomaly: Anomaly | null = null;
  if (uniform(seed, i, S.anomaly) < 0.02) {
    const kind: AnomalyKind = uniform(seed, i, S.anomalyKind) < 0.6 ? 'spike' : 'drop';
    const u = uniform(seed, i, S.anomalySize);
    anomaly = {
      kind,
      at: inWindow(p, createdAt, S.anomalyAt),
      magnitude: kind === 'spike' ? Math.round(saturation * (0.5 + 1.5 * u)) : 0.2 + 0.3 * u,
    };
  }
  return {
    createdAt,
    saturation,
    midpointDays: 15 + 60 * uniform(seed, i, S.mid),
    scaleDays: 4 + 12 * uniform(seed, i, S.scale),
    driftPerMonth: clamp(0.005 + 0.005 * normal(seed, i, S.drift), -0.01, 0.015),
    postsPerWeek: logNormal(RHYTHM[category] ?? 3.5, 0.6, seed, i, S.rate),
    abandonedAt: abandoned
      ? minuteFloor(createdAt + (5 + 40 * uniform(seed, i, S.abandonAt)) * DAY_MS)
      : null,
    reach: clamp(logNormal(0.35, 0.35, seed, i, S.reach), 0.05, 1.5),
    tauHours: clamp(logNormal(10, 0.5, seed, i, S.tau), 2, 72),
    botRole: flagship || uniform(seed, i, S.role) < 0.6 ? 'admin' : 'member',
    isPublic: flagship || uniform(seed, i, S.publicity) >= 0.08,
    deletedAt: removal < 0.015 ? inWindow(p, createdAt, S.removalAt) : null,
    botRemovedAt: removal >= 0.015 && removal < 0.035 ? inWindow(p, createdAt, S.removalAt) : null,
    anomaly,
  };
}

const ascending = (a: number, b: number) => a - b;
const logistic = (d: number, m: number, s: number) => 1 / (1 + Math.exp(-(d - m) / s));

/** Audience without noise (the smooth truth); 0 before creation and after deletion. */
export function smoothParticipants(c: ChannelParams, t: number): number {
  if (t < c.createdAt || (c.deletedAt !== null && t >= c.deletedAt)) return 0;
  const d = (t - c.createdAt) / DAY_MS;
  const l0 = logistic(0, c.midpointDays, c.scaleDays);
  const growth = (logistic(d, c.midpointDays, c.scaleDays) - l0) / (1 - l0);
  let value = c.saturation * growth * Math.max(0.5, 1 + (c.driftPerMonth * d) / 30);
  const a = c.anomaly;
  if (a && t >= a.at) {
    if (a.kind === 'drop') value *= 1 - a.magnitude;
    else value += a.magnitude * (0.4 + 0.6 * Math.exp(-(t - a.at) / (14 * DAY_MS)));
  }
  return value;
}

export function participants(seed: number, index: number, c: ChannelParams, t: number): number {
  const base = smoothParticipants(c, t);
  if (base <= 0) return 0;
  const dayFloat = t / DAY_MS;
  const day = Math.floor(dayFloat);
  const frac = dayFloat - day;
  const z = normal(seed, index, S.noise, day) * (1 - frac) + normal(seed, index, S.noise, day + 1) * frac;
  return Math.max(0, Math.round(base + z * (0.002 * base + 0.5)));
}

function postsDrawn(seed: number, index: number, c: ChannelParams, day: number): number {
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  const weight = weekday === 0 || weekday === 6 ? 0.5 : 1.2;
  return poisson((c.postsPerWeek / 7) * weight, uniform(seed, index, S.postCount, day), 24);
}

/** Number of posts on a UTC day; cheap for the days wholly inside the channel's posting life. */
export function postCountOfDay(seed: number, index: number, c: ChannelParams, day: number): number {
  const dayStart = day * DAY_MS;
  const dayEnd = dayStart + DAY_MS;
  const inside =
    dayStart > c.createdAt &&
    (c.deletedAt === null || dayEnd <= c.deletedAt) &&
    (c.abandonedAt === null || dayEnd <= c.abandonedAt);
  return inside ? postsDrawn(seed, index, c, day) : postTimesOfDay(seed, index, c, day).length;
}

/** Publication instants of the channel's posts on a UTC day, ascending (empty when it did not post). */
export function postTimesOfDay(seed: number, index: number, c: ChannelParams, day: number): number[] {
  const dayStart = day * DAY_MS;
  if (dayStart + DAY_MS <= c.createdAt) return [];
  if (c.deletedAt !== null && dayStart >= c.deletedAt) return [];
  if (c.abandonedAt !== null && dayStart >= c.abandonedAt) return [];
  const n = postsDrawn(seed, index, c, day);
  const times: number[] = [];
  for (let k = 0; k < n; k += 1) {
    // Working hours 09:00–20:00 Moscow time (06:00–17:00 UTC).
    const t = dayStart + 6 * HOUR_MS + Math.floor(uniform(seed, index, S.postTime, day, k) * 11 * HOUR_MS);
    const late = (c.deletedAt !== null && t >= c.deletedAt) || (c.abandonedAt !== null && t >= c.abandonedAt);
    if (t > c.createdAt && !late) times.push(t);
  }
  return times.sort(ascending);
}

export function isRepost(seed: number, index: number, day: number, k: number): boolean {
  return uniform(seed, index, S.repost, day, k) < 0.12;
}

export function postViews(
  seed: number,
  index: number,
  c: ChannelParams,
  post: { day: number; k: number; publishedAt: number; isRepost: boolean },
  t: number,
): number {
  const age = t - post.publishedAt;
  if (age <= 0) return 0;
  const audience = participants(seed, index, c, post.publishedAt);
  const factor =
    Math.exp(0.3 * normal(seed, index, S.postViews, post.day, post.k)) * (post.isRepost ? 0.6 : 1);
  const final = c.reach * audience * factor;
  return Math.floor(final * (1 - Math.exp(-age / (c.tauHours * HOUR_MS))));
}
