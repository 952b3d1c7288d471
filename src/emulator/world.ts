import { type Category, categoryCodes, type PageClass } from '../register/categories.ts';
import { canonicalUrl } from '../register/nickname.ts';
import { loadReferenceRegions } from '../store/reference-regions.ts';
import { cumulativeOf, hashKey, pickCumulative, uniform } from './random.ts';
import {
  type ChannelParams,
  channelParams,
  DAY_MS,
  isRepost,
  participants,
  postCountOfDay,
  postTimesOfDay,
  postViews,
  SALTS,
} from './world-activity.ts';
import { buildPlaces, type Places } from './world-places.ts';
import { postTextOf, type Titled, titleOf } from './world-titles.ts';
import type { AnomalyTruth, ChannelInfo, RegisterRow, WorldOptions, WorldPost } from './world-types.ts';

export type { AnomalyTruth, ChannelInfo, RegisterRow, WorldOptions, WorldPost };

/**
 * The emulated MAX world: N official channels spread over the 89 regions, deterministic from (seed, N).
 * Only four typed arrays are stored per channel (region, category, municipality, ordinal); everything else is
 * recomputed from hashes on demand (see world-activity.ts for the formulas), so 250,000 channels cost a few
 * megabytes and 20,000 are generated in milliseconds. Time arguments are real epoch milliseconds.
 */

/** Category shares (per cent) of the channels other than the 89 regional governments, after Feb 2026 data. */
export const CATEGORY_SHARES: Record<Exclude<Category, 'regional_government'>, number> = {
  // Of ~170,000 channels: ≈34,000 schools, 19,000 kindergartens, 5,000 city administrations (plus settlement
  // administrations), 4,000+ executive bodies, 2,400 colleges and universities, 1,000 medical, 800 libraries.
  school: 20,
  kindergarten: 11.2,
  local_government: 10.6,
  other: 10.6,
  culture: 10.5,
  youth: 9.5,
  sport: 9.5,
  social_protection: 7.5,
  legislature: 6,
  executive_body: 2.6,
  college_university: 1.4,
  healthcare: 0.6,
};

/** Where channels of a category sit when not spread over municipalities: share placed in the capital. */
const CAPITAL_SHARE: Partial<Record<Category, number>> = {
  executive_body: 0.8,
  college_university: 0.6,
  healthcare: 0.35,
  social_protection: 0.3,
};

/** chat_id = −(7.2·10¹² + index): negative like real channel ids and inside the safe-integer range. */
export const CHAT_ID_BASE = 7_200_000_000_000;

const hex = (v: number, width: number) => v.toString(16).padStart(width, '0');

const DEFAULT_HISTORY_START = Date.UTC(2025, 9, 1);

const STREETS = ['ул. Ленина', 'ул. Советская', 'пр-т Мира', 'ул. Школьная', 'пл. Революции', 'ул. Гагарина'];

/**
 * A description as official channels write them: a line about the channel, and for most a phone of the
 * reception (about 40 %), an address (about 20 %) or both (about 16 %); a quarter give no contacts. `bits`: 16
 * hashed bits of the channel.
 */
function describe(title: string, bits: number, index: number): string {
  const kind = bits & 0xff;
  const phone = `Приёмная: +7 (${800 + (index % 100)}) ${String(100 + ((index * 37) % 900))}-${String(10 + ((index * 13) % 90))}-${String(10 + ((index * 7) % 90))}`;
  const address = `Адрес: ${STREETS[(bits >>> 8) % STREETS.length]}, д. ${1 + (index % 120)}`;
  const lines = [`Официальный канал: ${title}`];
  if (kind < 102 || (kind >= 153 && kind < 194)) lines.push(phone);
  if (kind >= 102 && kind < 194) lines.push(address);
  return lines.join('\n');
}

/** A post's link as the Bot API gives it (a message's `url`): the channel's link and the post's id. */
export function postUrl(channel: ChannelInfo, post: WorldPost): string {
  return `${channel.url}/${post.mid.slice(4)}`;
}

export class World {
  readonly seed: number;
  readonly size: number;
  readonly historyStart: number;
  readonly historyEnd: number;
  readonly creationDays: number;
  readonly places: Places;
  private readonly populations: number[];
  private readonly regionOf: Uint8Array;
  private readonly categoryOf: Uint8Array;
  private readonly municipalityOf: Uint16Array;
  private readonly ordinalOf: Uint32Array;
  private nicknameIndex: Map<string, number> | undefined;
  private anomalyList: AnomalyTruth[] | undefined;

  constructor(options: WorldOptions) {
    this.seed = options.seed >>> 0;
    this.size = Math.max(0, Math.floor(options.channels));
    const start = options.historyStart ?? DEFAULT_HISTORY_START;
    this.historyStart = typeof start === 'number' ? start : Date.parse(start);
    if (!Number.isFinite(this.historyStart)) throw new Error(`historyStart: not a date: ${String(start)}`);
    this.creationDays = options.creationDays ?? 92;
    this.historyEnd = this.historyStart + (options.historyDays ?? 450) * DAY_MS;
    const { regions, population } = loadReferenceRegions();
    const known = new Map(population.map((p) => [p.region_code, p.population]));
    const sorted = [...known.values()].sort((a, b) => a - b);
    // Four new regions have no Rosstat figure in reference/: the emulator gives them the median.
    const median = sorted[Math.floor(sorted.length / 2)] ?? 1_000_000;
    this.populations = regions.map((r) => known.get(r.code) ?? median);
    this.places = buildPlaces(this.seed, regions, this.populations);

    const n = this.size;
    this.regionOf = new Uint8Array(n);
    this.categoryOf = new Uint8Array(n);
    this.municipalityOf = new Uint16Array(n);
    this.ordinalOf = new Uint32Array(n);
    const regionCum = cumulativeOf(this.populations);
    const shareCodes = Object.keys(CATEGORY_SHARES) as (keyof typeof CATEGORY_SHARES)[];
    const categoryCum = cumulativeOf(shareCodes.map((c) => CATEGORY_SHARES[c]));
    const categoryIndex = shareCodes.map((c) => categoryCodes.indexOf(c));
    const { municipalities, regionStart } = this.places;
    const muniCum = regions.map((_, r) =>
      cumulativeOf(municipalities.slice(regionStart[r]!, regionStart[r + 1]!).map((m) => m.weight)),
    );
    const counters = new Uint32Array(municipalities.length * categoryCodes.length);
    const governments = Math.min(regions.length, n);
    const governmentCategory = categoryCodes.indexOf('regional_government');
    for (let i = 0; i < n; i += 1) {
      let r: number;
      let c: number;
      let m: number;
      if (i < governments) {
        r = i;
        c = governmentCategory;
        m = regionStart[r]!;
      } else {
        r = pickCumulative(regionCum, uniform(this.seed, i, 1));
        c = categoryIndex[pickCumulative(categoryCum, uniform(this.seed, i, 2))]!;
        const capitalShare = CAPITAL_SHARE[categoryCodes[c]!] ?? 0;
        m =
          uniform(this.seed, i, 3) < capitalShare
            ? regionStart[r]!
            : regionStart[r]! + pickCumulative(muniCum[r]!, uniform(this.seed, i, 4));
      }
      const slot = m * categoryCodes.length + c;
      counters[slot] = counters[slot]! + 1;
      this.regionOf[i] = r;
      this.categoryOf[i] = c;
      this.municipalityOf[i] = m;
      this.ordinalOf[i] = counters[slot]!;
    }
  }

  chatIdOf(index: number): number {
    return -(CHAT_ID_BASE + index);
  }

  /** Index of a world channel from its chat id (number or decimal string), or undefined. */
  indexOfChatId(chatId: number | string | bigint): number | undefined {
    const value = Number(chatId);
    if (!Number.isSafeInteger(value)) return undefined;
    const index = -value - CHAT_ID_BASE;
    return index >= 0 && index < this.size ? index : undefined;
  }

  indexOfNickname(nickname: string): number | undefined {
    if (!this.nicknameIndex) {
      this.nicknameIndex = new Map();
      for (let i = 0; i < this.size; i += 1) this.nicknameIndex.set(this.nicknameOf(i), i);
    }
    return this.nicknameIndex.get(nickname.toLowerCase());
  }

  category(index: number): Category {
    return categoryCodes[this.categoryOf[index]!]!;
  }

  params(index: number): ChannelParams {
    const category = this.category(index);
    const municipality = this.places.municipalities[this.municipalityOf[index]!]!;
    const population = this.populations[this.regionOf[index]!]!;
    let sizeFactor = municipality.kind === 'capital' ? 1.5 : municipality.kind === 'district' ? 0.8 : 1;
    if (category === 'regional_government') sizeFactor = Math.sqrt(population / 13_300_000) * 1.7 + 0.35;
    if (category === 'local_government' && this.ordinalOf[index] === 1) sizeFactor *= 3;
    return channelParams({
      seed: this.seed,
      index,
      category,
      sizeFactor,
      historyStart: this.historyStart,
      creationDays: this.creationDays,
      historyEnd: this.historyEnd,
    });
  }

  /** Title, nickname (with its `_gos` suffix where it has one) and level: no audience parameters. */
  private titled(index: number): Titled {
    if (!Number.isInteger(index) || index < 0 || index >= this.size)
      throw new RangeError(`no channel ${index}`);
    const category = this.category(index);
    const regionIndex = this.regionOf[index]!;
    const titled = titleOf({
      category,
      ordinal: this.ordinalOf[index]!,
      municipality: this.places.municipalities[this.municipalityOf[index]!]!,
      region: this.places.regions[regionIndex]!,
      regionSlug: this.places.regionSlugs[regionIndex]!,
      cases: this.places.regionCases[regionIndex]!,
      variant: uniform(this.seed, index, 5),
      name: uniform(this.seed, index, 6),
    });
    const gos = category === 'regional_government' || uniform(this.seed, index, 7) < 0.85;
    return gos ? { ...titled, nickname: `${titled.nickname}_gos` } : titled;
  }

  nicknameOf(index: number): string {
    return this.titled(index).nickname;
  }

  info(index: number): ChannelInfo {
    const titled = this.titled(index);
    const { nickname } = titled;
    const category = this.category(index);
    const region = this.places.regions[this.regionOf[index]!]!;
    const municipality = this.places.municipalities[this.municipalityOf[index]!]!;
    const params = this.params(index);
    const extras = hashKey(this.seed, index, SALTS.extras);
    const pageClass: PageClass =
      category === 'regional_government' || (titled.level !== 'municipal' && params.saturation > 5000)
        ? 'flagship'
        : params.abandonedAt === null && params.postsPerWeek >= 3
          ? 'active'
          : 'card';
    return {
      index,
      chatId: this.chatIdOf(index),
      nickname,
      url: canonicalUrl('max', nickname),
      title: titled.title,
      category,
      level: titled.level,
      pageClass,
      region,
      municipality,
      params,
      hasDescription: (extras & 0xff) >= 51,
      description: (extras & 0xff) >= 51 ? describe(titled.title, extras >>> 16, index) : null,
      hasIcon: ((extras >>> 8) & 0xff) >= 38,
      ownerId: 100_000_000 + (hashKey(this.seed, index, SALTS.owner) % 900_000_000),
    };
  }

  /** True audience at instant t (0 before creation and after deletion). */
  participantsAt(index: number, t: number): number {
    return participants(this.seed, index, this.params(index), t);
  }

  existsAt(index: number, t: number): boolean {
    const deletedAt = this.params(index).deletedAt;
    return deletedAt === null || t < deletedAt;
  }

  /** The bot's status in the chat: `removed` once its owner removed the bot. */
  botStatusAt(index: number, t: number): 'active' | 'removed' {
    const removedAt = this.params(index).botRemovedAt;
    return removedAt !== null && t >= removedAt ? 'removed' : 'active';
  }

  /** Number of posts published up to and including t. */
  messagesCountAt(index: number, t: number): number {
    const c = this.params(index);
    let count = 0;
    const last = Math.floor(t / DAY_MS);
    for (let day = Math.floor(c.createdAt / DAY_MS); day < last; day += 1) {
      count += postCountOfDay(this.seed, index, c, day);
    }
    for (const time of postTimesOfDay(this.seed, index, c, last)) if (time <= t) count += 1;
    return count;
  }

  /** Publication instant of the latest post at or before t, or null. */
  lastPostAt(index: number, t: number): number | null {
    const c = this.params(index);
    const first = Math.floor(c.createdAt / DAY_MS);
    for (let day = Math.floor(t / DAY_MS); day >= first; day -= 1) {
      const times = postTimesOfDay(this.seed, index, c, day);
      for (let k = times.length - 1; k >= 0; k -= 1) if (times[k]! <= t) return times[k]!;
    }
    return null;
  }

  /** Posts published in [from, to] (chronological bounds), newest first, at most `limit`. */
  messagesAt(index: number, from: number, to: number, limit = Number.POSITIVE_INFINITY): WorldPost[] {
    const c = this.params(index);
    const category = this.category(index);
    const firstDay = Math.max(Math.floor(c.createdAt / DAY_MS), Math.floor(Math.max(from, 0) / DAY_MS));
    const lastDay = Math.floor(Math.min(to, c.deletedAt ?? to, this.historyEnd + 3650 * DAY_MS) / DAY_MS);
    const out: WorldPost[] = [];
    let seqAfter = lastDay >= firstDay ? this.messagesCountAt(index, (lastDay + 1) * DAY_MS - 1) : 0;
    for (let day = lastDay; day >= firstDay && out.length < limit; day -= 1) {
      const times = postTimesOfDay(this.seed, index, c, day);
      for (let k = times.length - 1; k >= 0 && out.length < limit; k -= 1) {
        const publishedAt = times[k]!;
        const seq = seqAfter - (times.length - 1 - k);
        if (publishedAt < from || publishedAt > to) continue;
        out.push(this.post(index, category, day, k, publishedAt, seq));
      }
      seqAfter -= times.length;
    }
    return out;
  }

  /** The post with a world mid (`mid.` + 8 hex channel + 6 hex day + 2 hex rank), or undefined. */
  postByMid(mid: string): WorldPost | undefined {
    const match = /^mid\.([0-9a-f]{8})([0-9a-f]{6})([0-9a-f]{2})$/.exec(mid);
    if (!match) return undefined;
    const index = Number.parseInt(match[1]!, 16);
    const day = Number.parseInt(match[2]!, 16);
    const k = Number.parseInt(match[3]!, 16);
    if (index >= this.size) return undefined;
    const times = postTimesOfDay(this.seed, index, this.params(index), day);
    if (k >= times.length) return undefined;
    return this.messagesAt(index, times[k]!, times[k]!, 1)[0];
  }

  viewsAt(post: WorldPost, t: number): number {
    return postViews(this.seed, post.channel, this.params(post.channel), post, t);
  }

  /** Injected anomalies (the truth the anomaly rules should find), in index order. */
  anomalies(): AnomalyTruth[] {
    if (!this.anomalyList) {
      this.anomalyList = [];
      for (let i = 0; i < this.size; i += 1) {
        if (uniform(this.seed, i, SALTS.anomaly) >= 0.02) continue;
        const a = this.params(i).anomaly;
        if (a)
          this.anomalyList.push({ ...a, index: i, chatId: this.chatIdOf(i), nickname: this.nicknameOf(i) });
      }
    }
    return this.anomalyList;
  }

  registerRow(index: number): RegisterRow {
    const c = this.info(index);
    return {
      platform: 'max',
      nickname: c.nickname,
      chat_id: String(c.chatId),
      url: c.url,
      title: c.title,
      category: c.category,
      level: c.level,
      region_code: c.region.code,
      municipality: c.municipality.name,
      page_class: c.pageClass,
    };
  }

  *registerRows(): Generator<RegisterRow> {
    for (let i = 0; i < this.size; i += 1) yield this.registerRow(i);
  }

  private post(
    index: number,
    category: Category,
    day: number,
    k: number,
    at: number,
    seq: number,
  ): WorldPost {
    return {
      channel: index,
      day,
      k,
      mid: `mid.${hex(index, 8)}${hex(day, 6)}${hex(k, 2)}`,
      seq,
      publishedAt: at,
      isRepost: isRepost(this.seed, index, day, k),
      text: postTextOf(category, uniform(this.seed, index, SALTS.postTime, day, k + 100)),
    };
  }
}

export function createWorld(options: WorldOptions): World {
  return new World(options);
}
