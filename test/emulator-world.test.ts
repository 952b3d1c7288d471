import { describe, expect, it } from 'vitest';
import { profileOf } from '../src/analytics/rating-inputs.repository.ts';
import { CATEGORY_SHARES, createWorld, World } from '../src/emulator/world.ts';
import { smoothParticipants } from '../src/emulator/world-activity.ts';
import { regionCase } from '../src/emulator/world-places.ts';
import { categoryCodes, levelCodes, pageClassCodes } from '../src/register/categories.ts';
import { normaliseNickname } from '../src/register/nickname.ts';

const DAY = 86_400_000;
const AT = Date.UTC(2026, 1, 15, 12);
const world = createWorld({ seed: 1, channels: 20_000 });

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

describe('emulated world: structure', () => {
  it('is deterministic in (seed, size) and differs between seeds', () => {
    const again = createWorld({ seed: 1, channels: 20_000 });
    const other = createWorld({ seed: 2, channels: 20_000 });
    for (const i of [0, 89, 500, 7777, 19_999]) {
      expect(again.registerRow(i)).toEqual(world.registerRow(i));
      expect(again.participantsAt(i, AT)).toBe(world.participantsAt(i, AT));
    }
    const same = [89, 500, 7777, 19_999].filter(
      (i) => other.registerRow(i).nickname === world.registerRow(i).nickname,
    );
    expect(same.length).toBeLessThan(4);
  });

  it('generates 20,000 channels well under a second and 250,000 cheaply', () => {
    let started = performance.now();
    const w = new World({ seed: 5, channels: 20_000 });
    for (let i = 0; i < w.size; i += 100) w.info(i);
    expect(performance.now() - started).toBeLessThan(1000);
    started = performance.now();
    const big = new World({ seed: 5, channels: 250_000 });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(big.participantsAt(249_999, AT)).toBeGreaterThanOrEqual(0);
  });

  it('gives every region exactly one regional government, and it is large', () => {
    const governments = new Map<string, number>();
    for (let i = 0; i < world.size; i += 1) {
      if (world.category(i) === 'regional_government') {
        const row = world.registerRow(i);
        governments.set(row.region_code, (governments.get(row.region_code) ?? 0) + 1);
        expect(row.page_class).toBe('flagship');
        const audience = world.participantsAt(i, AT);
        expect(audience).toBeGreaterThan(8000);
        expect(audience).toBeLessThanOrEqual(62_000);
      }
    }
    expect(governments.size).toBe(89);
    expect([...governments.values()].every((n) => n === 1)).toBe(true);
  });

  it('spreads channels by population and categories in the real proportions', () => {
    const byCategory = new Map<string, number>();
    const byRegion = new Map<string, number>();
    for (const row of world.registerRows()) {
      byCategory.set(row.category, (byCategory.get(row.category) ?? 0) + 1);
      byRegion.set(row.region_code, (byRegion.get(row.region_code) ?? 0) + 1);
      if (!levelCodes.includes(row.level) || !pageClassCodes.includes(row.page_class)) {
        throw new Error(`invalid row ${JSON.stringify(row)}`);
      }
    }
    expect([...byCategory.keys()].sort()).toEqual([...categoryCodes].sort());
    const rest = world.size - 89;
    for (const [category, share] of Object.entries(CATEGORY_SHARES)) {
      expect(Math.abs(((byCategory.get(category) ?? 0) / rest) * 100 - share)).toBeLessThan(1);
    }
    const ranked = [...byCategory.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
    expect(ranked[0]).toBe('school');
    expect(ranked.slice(1, 4)).toContain('kindergarten');
    // Moscow holds about 9% of the population with a figure, Nenets AO 0.03%.
    expect(byRegion.get('RU-MOW')! / world.size).toBeGreaterThan(0.075);
    expect(byRegion.get('RU-MOW')! / world.size).toBeLessThan(0.105);
    expect(byRegion.get('RU-NEN')!).toBeLessThan(30);
  });

  it('has unique, valid nicknames (mostly *_gos) and chat ids that map back', () => {
    const big = new World({ seed: 3, channels: 60_000 });
    const seen = new Set<string>();
    let gos = 0;
    for (let i = 0; i < big.size; i += 1) {
      const nick = big.nicknameOf(i);
      seen.add(nick);
      if (nick.endsWith('_gos')) gos += 1;
    }
    expect(seen.size).toBe(big.size);
    expect(gos / big.size).toBeGreaterThan(0.8);
    for (const i of [0, 1, 88, 89, 12_345, 59_999]) {
      const nick = big.nicknameOf(i);
      expect(normaliseNickname(nick)).toMatchObject({ ok: true, nickname: nick });
      expect(big.indexOfNickname(nick)).toBe(i);
      expect(big.indexOfChatId(String(big.chatIdOf(i)))).toBe(i);
      expect(big.chatIdOf(i)).toBeLessThan(0);
    }
    expect(big.indexOfChatId(-1)).toBeUndefined();
  });

  it('writes Russian titles and region names in the right case', () => {
    const titles = Array.from({ length: 3000 }, (_, i) => world.info(i).title);
    expect(titles.some((t) => /^МБОУ СОШ № \d+ (г\. |\S+ (района|муниципального округа))/.test(t))).toBe(
      true,
    );
    expect(titles.some((t) => /^Министерство здравоохранения /.test(t))).toBe(true);
    expect(titles.some((t) => /^Администрация городского округа город /.test(t))).toBe(true);
    const region = (code: string, name_ru: string) => ({ code, name_ru });
    expect(regionCase(region('RU-BA', 'Республика Башкортостан'), 'gen')).toBe('Республики Башкортостан');
    expect(regionCase(region('RU-AD', 'Республика Адыгея (Адыгея)'), 'gen')).toBe('Республики Адыгея');
    expect(regionCase(region('RU-KHM', 'Ханты-Мансийский автономный округ — Югра'), 'gen')).toBe(
      'Ханты-Мансийского автономного округа — Югры',
    );
    expect(regionCase(region('RU-KEM', 'Кемеровская область — Кузбасс'), 'gen')).toBe(
      'Кемеровской области — Кузбасса',
    );
    expect(regionCase(region('RU-CU', 'Чувашская Республика — Чувашия'), 'gen')).toBe(
      'Чувашской Республики — Чувашии',
    );
    expect(regionCase(region('RU-ALT', 'Алтайский край'), 'dat')).toBe('Алтайскому краю');
    expect(regionCase(region('RU-MOW', 'Москва'), 'gen')).toBe('города Москвы');
  });

  it('makes the bot an administrator in about 60% of channels and ~8% private', () => {
    let admin = 0;
    let open = 0;
    for (let i = 89; i < world.size; i += 1) {
      const p = world.params(i);
      if (p.botRole === 'admin') admin += 1;
      if (p.isPublic) open += 1;
    }
    const n = world.size - 89;
    expect(admin / n).toBeGreaterThan(0.57);
    expect(admin / n).toBeLessThan(0.63);
    expect(1 - open / n).toBeGreaterThan(0.06);
    expect(1 - open / n).toBeLessThan(0.1);
  });

  it('describes ~80% of channels, three quarters of those with a phone or an address the product recognises', () => {
    let described = 0;
    let contacts = 0;
    for (let i = 0; i < world.size; i += 1) {
      const info = world.info(i);
      expect(info.description !== null).toBe(info.hasDescription);
      if (info.description === null) continue;
      described += 1;
      expect(info.description.startsWith(`Официальный канал: ${info.title}`)).toBe(true);
      const page = profileOf({
        profile_title: info.title,
        profile_description: info.description,
        profile_icon_url: null,
        profile_link: null,
      });
      if (page.phone || page.address) contacts += 1;
    }
    expect(described / world.size).toBeGreaterThan(0.75);
    expect(described / world.size).toBeLessThan(0.85);
    expect(contacts / described).toBeGreaterThan(0.72);
    expect(contacts / described).toBeLessThan(0.8);
  });
});

describe('emulated world: audience, posts and views over time', () => {
  it('audiences are zero before creation, grow, and are heavy-tailed', () => {
    const schools: number[] = [];
    const all: number[] = [];
    for (let i = 89; i < world.size; i += 7) {
      const p = world.params(i);
      expect(world.participantsAt(i, p.createdAt - 1)).toBe(0);
      if (p.anomaly === null && p.deletedAt === null) {
        expect(world.participantsAt(i, p.createdAt + 200 * DAY)).toBeGreaterThan(
          world.participantsAt(i, p.createdAt + 3 * DAY),
        );
      }
      const audience = world.participantsAt(i, AT);
      all.push(audience);
      if (world.category(i) === 'school') schools.push(audience);
    }
    expect(quantile(schools, 0.5)).toBeGreaterThan(200);
    expect(quantile(schools, 0.5)).toBeLessThan(1000);
    expect(quantile(schools, 0.05)).toBeGreaterThan(40);
    expect(quantile(schools, 0.95)).toBeLessThan(4000);
    expect(quantile(all, 0.995) / quantile(all, 0.5)).toBeGreaterThan(15);
  });

  it('records injected anomalies and shows them in the audience', () => {
    const anomalies = world.anomalies();
    expect(anomalies.length).toBeGreaterThan(world.size * 0.01);
    expect(anomalies.length).toBeLessThan(world.size * 0.03);
    const spike = anomalies.find((a) => a.kind === 'spike' && world.params(a.index).deletedAt === null)!;
    const jump =
      world.participantsAt(spike.index, spike.at) - world.participantsAt(spike.index, spike.at - 60_000);
    expect(Math.abs(jump - spike.magnitude)).toBeLessThan(spike.magnitude * 0.05 + 10);
    const drop = anomalies.find((a) => a.kind === 'drop' && world.params(a.index).deletedAt === null)!;
    const c = world.params(drop.index);
    const ratio = smoothParticipants(c, drop.at) / smoothParticipants(c, drop.at - 1);
    expect(ratio).toBeCloseTo(1 - drop.magnitude, 3);
  });

  it('posts: newest first, counts consistent, none after abandonment', () => {
    const from = AT - 30 * DAY;
    const posts = world.messagesAt(0, from, AT);
    expect(posts.length).toBeGreaterThan(30);
    for (let i = 1; i < posts.length; i += 1)
      expect(posts[i - 1]!.publishedAt).toBeGreaterThan(posts[i]!.publishedAt);
    expect(world.messagesCountAt(0, AT) - world.messagesCountAt(0, from - 1)).toBe(posts.length);
    expect(posts[0]!.seq).toBe(world.messagesCountAt(0, AT));
    expect(world.postByMid(posts[5]!.mid)).toEqual(posts[5]);
    const abandoned = Array.from({ length: 2000 }, (_, i) => i + 89).find(
      (i) => world.params(i).abandonedAt !== null,
    )!;
    const at = world.params(abandoned).abandonedAt!;
    expect(world.messagesAt(abandoned, at, AT)).toEqual([]);
  });

  it('views grow with post age towards a final value', () => {
    const post = world.messagesAt(1, AT - 10 * DAY, AT - 9 * DAY)[0]!;
    expect(world.viewsAt(post, post.publishedAt - 1)).toBe(0);
    const series = [1, 2, 6, 24, 72, 240].map((h) => world.viewsAt(post, post.publishedAt + h * 3_600_000));
    for (let i = 1; i < series.length; i += 1) expect(series[i]!).toBeGreaterThanOrEqual(series[i - 1]!);
    expect(series[0]!).toBeLessThan(series[5]!);
    expect(series[5]! - series[4]!).toBeLessThanOrEqual(Math.max(1, series[5]! * 0.02));
  });
});
