import type { Kysely } from 'kysely';
import { detectAnomalyFlags } from '../../src/analytics/anomaly-flag.service.ts';
import { addDays, type Day, moscowDay, moscowDayStart } from '../../src/analytics/calendar.ts';
import { publishRegionRating } from '../../src/analytics/rating.service.ts';
import { ensureChannelStates, saveChannelStates } from '../../src/collect/channel-state.repository.ts';
import { addToRun, finishRun, startRun } from '../../src/collect/collection-run.repository.ts';
import {
  type ObservationInput,
  type PostInput,
  recordObservations,
  writePosts,
} from '../../src/collect/observation.repository.ts';
import { insertChannel, searchTextOf } from '../../src/register/channel.repository.ts';
import type { DB } from '../../src/store/schema.ts';

/**
 * A register with history for the dashboard's e2e tests and benchmark: a government channel in most
 * regions (a few regions deliberately have none, so the map has grey regions), other official channels in
 * some, `days` days of daily observations ending yesterday (Moscow) written through `recordObservations`
 * (so the daily read model is maintained as in production), posts with views at 24 h and 7 days, page
 * profiles, one channel with a one-day subscriber spike (an anomaly), failing channels, a finished and a
 * running collection run, and one published rating. Deterministic: same inputs, same figures.
 */

export interface SeededChannel {
  id: number;
  nickname: string;
  title: string;
  category: string;
  region_code: string;
}

export interface SeededDashboard {
  channels: SeededChannel[];
  /** Regions without a government channel (no place in dialog-2025, grey on its map). */
  regionsWithoutGovernment: string[];
  /** The channel with the injected spike, and the day of the spike. */
  spike: { channel: SeededChannel; day: Day; jump: number };
  firstDay: Day;
  lastDay: Day;
  finishedRunId: number;
  runningRunId: number;
  publishedRatingId: number;
  /** Latest subscribers of every channel (the value on `lastDay`). */
  latest: Map<number, number>;
}

/** A stable pseudo-random number in [0, 1) from a string. */
function hash01(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return ((h >>> 0) % 1_000_003) / 1_000_003;
}

const OTHER_CATEGORIES = ['executive_body', 'local_government', 'school', 'healthcare', 'culture'] as const;
const OTHER_TITLES: Record<(typeof OTHER_CATEGORIES)[number], string> = {
  executive_body: 'Министерство образования',
  local_government: 'Администрация городского округа',
  school: 'Средняя школа № 1',
  healthcare: 'Областная больница',
  culture: 'Краеведческий музей',
};
/** Every 15th region (by code order) has no government channel. */
const NO_GOVERNMENT_EVERY = 15;
const SPIKE_REGION = 'RU-BA';

export async function seedDashboard(
  db: Kysely<DB>,
  options: {
    days?: number;
    now?: number;
    /** How many regions (by code order) get 2–5 other official channels (default 24). */
    otherRegions?: number;
    /** More channels in every region (schools, hospitals…), for benchmarks at scale (default 0). */
    extraPerRegion?: number;
  } = {},
): Promise<SeededDashboard> {
  const now = options.now ?? Date.now();
  const days = options.days ?? 40;
  const lastDay = addDays(moscowDay(now), -1);
  const firstDay = addDays(lastDay, -(days - 1));
  const regions = (await db.selectFrom('regions').select(['code', 'name_ru']).orderBy('code').execute()).map(
    (r) => ({ code: r.code, name: r.name_ru }),
  );
  const stamp = new Date(now).toISOString();

  const channels: SeededChannel[] = [];
  const regionsWithoutGovernment: string[] = [];
  const add = async (nickname: string, title: string, category: string, region_code: string) => {
    const row = await insertChannel(db, {
      platform: 'max',
      nickname,
      url: `https://max.ru/${nickname}`,
      title,
      category,
      region_code,
      level: category === 'regional_government' || category === 'executive_body' ? 'regional' : 'municipal',
      municipality: category === 'regional_government' ? null : 'городской округ',
      page_class: category === 'regional_government' ? 'flagship' : 'active',
      status: 'active',
      official_confirmed: 1,
      search_text: searchTextOf(title, nickname),
      created_at: stamp,
      updated_at: stamp,
    });
    channels.push({ id: row.id, nickname, title, category, region_code });
  };
  for (const [index, region] of regions.entries()) {
    const slug = region.code.slice(3).toLowerCase();
    if (index % NO_GOVERNMENT_EVERY === 7 && region.code !== SPIKE_REGION) {
      regionsWithoutGovernment.push(region.code);
    } else {
      await add(`gov_${slug}`, `Правительство: ${region.name}`, 'regional_government', region.code);
    }
    if (index < (options.otherRegions ?? 24)) {
      for (const category of OTHER_CATEGORIES.slice(0, 2 + (index % 4))) {
        await add(`${category}_${slug}`, `${OTHER_TITLES[category]} (${region.name})`, category, region.code);
      }
    }
    for (let k = 0; k < (options.extraPerRegion ?? 0); k++) {
      const category = OTHER_CATEGORIES[k % OTHER_CATEGORIES.length]!;
      await add(
        `x${k}_${category}_${slug}`,
        `${OTHER_TITLES[category]} № ${k + 1} (${region.name})`,
        category,
        region.code,
      );
    }
  }

  // Daily observations at 20:00 Moscow time: a base audience growing by a noisy daily gain (a daily rate
  // of 0.1–0.7 % times 0–2, so no single ordinary day stands out), and one spike.
  const spikeChannel = channels.find(
    (c) => c.region_code === SPIKE_REGION && c.category === 'regional_government',
  )!;
  const spikeDay = addDays(lastDay, -4);
  const spikeJump = 9_000;
  const latest = new Map<number, number>();
  const daily = new Map<number, number[]>();
  const observations: ObservationInput[] = [];
  for (const c of channels) {
    const government = c.category === 'regional_government';
    const base = Math.round((government ? 3_000 : 300) + hash01(c.nickname) * (government ? 40_000 : 4_000));
    const rate = 0.001 + hash01(`${c.nickname}/g`) * 0.006;
    const values: number[] = [];
    let subscribers = base;
    for (let d = 0; d < days; d++) {
      const day = addDays(firstDay, d);
      if (d > 0) subscribers += Math.round(subscribers * rate * 2 * hash01(`${c.nickname}/${day}`));
      if (c.id === spikeChannel.id && day === spikeDay) subscribers += spikeJump;
      values.push(subscribers);
      observations.push({
        channel_id: c.id,
        source: 'bot_api',
        observed_at: moscowDayStart(day) + 20 * 3_600_000,
        subscribers,
      });
    }
    latest.set(c.id, subscribers);
    daily.set(c.id, values);
  }
  for (let i = 0; i < observations.length; i += 2_000) {
    await recordObservations(db, observations.slice(i, i + 2_000));
  }

  // Posts of the government channels: one a day (two on even days), views at 24 h and at 7 days.
  const posts: PostInput[] = [];
  for (const c of channels.filter((x) => x.category === 'regional_government')) {
    const audiences = daily.get(c.id) ?? [];
    for (let d = 0; d < days; d++) {
      // Views follow the audience of the day the post was published.
      const audience = audiences[d] ?? 1000;
      const perDay = d % 2 === 0 ? 2 : 1;
      for (let k = 0; k < perDay; k++) {
        const published = moscowDayStart(addDays(firstDay, d)) + (9 + k * 5) * 3_600_000;
        const post = {
          channel_id: c.id,
          post_id: `${c.id}-${d}-${k}`,
          published_at: published,
          is_repost: false,
          url: `https://max.ru/${c.nickname}/${d}${k}`,
          text_length: 400,
        };
        const share = 0.15 + hash01(`${c.nickname}/${d}/${k}`) * 0.25;
        for (const [ageHours, factor] of [
          [24, 1],
          [168, 1.6],
        ] as const) {
          const observedAt = published + ageHours * 3_600_000;
          if (observedAt > now) continue;
          posts.push({ ...post, observed_at: observedAt, views: Math.round(audience * share * factor) });
        }
      }
    }
  }
  for (let i = 0; i < posts.length; i += 2_000) await writePosts(db, posts.slice(i, i + 2_000));

  // Collection state: page profiles (some incomplete), posts checked for government channels, failures.
  await ensureChannelStates(db);
  await saveChannelStates(
    db,
    channels.map((c, i) => {
      const complete = i % 4 !== 1;
      const failing = i % 23 === 5;
      return {
        channel_id: c.id,
        next_due_at: now + 3_600_000,
        last_attempt_at: now - 600_000,
        last_success_at: failing ? now - 3 * 86_400_000 : now - 600_000,
        last_method: 'bot_api',
        consecutive_failures: failing ? 3 + (i % 5) : 0,
        last_error_kind: failing ? (i % 2 === 0 ? 'timeout' : 'forbidden') : null,
        last_error: failing
          ? i % 2 === 0
            ? 'no answer in 10000 ms'
            : 'chat.denied: bot is not a member'
          : null,
        last_subscribers: latest.get(c.id) ?? null,
        profile_title: c.title,
        profile_description: complete
          ? `Официальный канал. Телефон +7 (347) 280-00-${String(10 + (i % 80)).padStart(2, '0')}, ул. Ленина, д. 1`
          : 'Официальный канал',
        profile_icon_url: complete || i % 3 === 0 ? `https://max.ru/i/${c.nickname}.png` : null,
        profile_link: complete ? `https://gov.example/${c.nickname}` : null,
        profile_is_public: 1,
        profile_checked_at: now - 600_000,
        posts_checked_at: c.category === 'regional_government' ? now - 600_000 : null,
      };
    }),
  );

  // Runs: a finished one 30–20 minutes ago with some errors, and one running now.
  const finishedRunId = await startRun(db, 'embedded', channels.length, 'e2e seed');
  await addToRun(db, finishedRunId, {
    channels_ok: channels.length - 7,
    channels_failed: 7,
    requests: channels.length * 2,
    page_requests: Math.floor(channels.length / 10),
    rate_limited: 0,
    errors_by_kind: { timeout: 4, forbidden: 2, page_not_found: 1 },
  });
  await finishRun(db, finishedRunId, 'finished');
  await db
    .updateTable('collection_runs')
    .set({ started_at: now - 30 * 60_000, finished_at: now - 30 * 60_000 + 12_000 })
    .where('id', '=', finishedRunId)
    .execute();
  const runningRunId = await startRun(db, 'embedded', channels.length, 'e2e seed (running)');
  await addToRun(db, runningRunId, {
    channels_ok: Math.floor(channels.length / 3),
    channels_failed: 2,
    requests: Math.floor(channels.length / 3) + 2,
    page_requests: 0,
    rate_limited: 0,
    errors_by_kind: { timeout: 2 },
  });
  await db
    .updateTable('collection_runs')
    .set({ started_at: now - 90_000 })
    .where('id', '=', runningRunId)
    .execute();

  // The anomaly rules over the last days find the spike (stored as an open flag, as after a collection).
  await detectAnomalyFlags(db, { asOf: lastDay, days: 10, now });

  const published = await publishRegionRating(db, {
    methodology: 'dialog-2025',
    date: lastDay,
    title: 'Рейтинг каналов правительств регионов (e2e)',
  });

  return {
    channels,
    regionsWithoutGovernment,
    spike: { channel: spikeChannel, day: spikeDay, jump: spikeJump },
    firstDay,
    lastDay,
    finishedRunId,
    runningRunId,
    publishedRatingId: published.id,
    latest,
  };
}
