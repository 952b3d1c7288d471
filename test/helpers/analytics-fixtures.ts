import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { Principal } from '../../src/access/principal.ts';
import { type Day, moscowDayStart } from '../../src/analytics/calendar.ts';
import { buildServer } from '../../src/api/server.ts';
import { ensureChannelStates, saveChannelStates } from '../../src/collect/channel-state.repository.ts';
import { recordObservations, writePosts } from '../../src/collect/observation.repository.ts';
import { parseConfig } from '../../src/config/config.ts';
import { insertChannel, searchTextOf } from '../../src/register/channel.repository.ts';
import type { AppContext } from '../../src/shared/app-context.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { Store } from '../../src/store/database.ts';
import type { DB } from '../../src/store/schema.ts';
import type { TestServer } from './api.ts';

/**
 * Small builders for analytics tests: channels in the register, observations at a Moscow time of day
 * (through `recordObservations`, so the daily read model is kept as in production), collected posts and
 * page profiles.
 */

/** An instant at `hour`:`minute` Moscow time on `day`. */
export function mskAt(day: Day, hour = 20, minute = 0): number {
  return moscowDayStart(day) + hour * 3_600_000 + minute * 60_000;
}

let counter = 0;

export async function addChannel(
  db: Kysely<DB>,
  options: {
    region: string;
    category?: string;
    nickname?: string;
    title?: string;
    municipality?: string | null;
    page_class?: string | null;
    status?: string;
  },
): Promise<number> {
  const now = new Date().toISOString();
  counter += 1;
  const nickname = options.nickname ?? `ch_${options.region.slice(3).toLowerCase()}_${counter}`;
  const title = options.title ?? `Канал ${nickname}`;
  const row = await insertChannel(db, {
    platform: 'max',
    nickname,
    url: `https://max.ru/${nickname}`,
    title,
    category: options.category ?? 'regional_government',
    region_code: options.region,
    municipality: options.municipality ?? null,
    page_class: options.page_class ?? null,
    status: options.status ?? 'active',
    official_confirmed: 1,
    search_text: searchTextOf(title, nickname),
    created_at: now,
    updated_at: now,
  });
  return row.id;
}

/** One observation per (day, value) at 20:00 Moscow time (or `hour`). */
export async function observe(
  db: Kysely<DB>,
  channelId: number,
  points: Record<Day, number>,
  options: { hour?: number; source?: string } = {},
): Promise<void> {
  await recordObservations(
    db,
    Object.entries(points).map(([day, subscribers]) => ({
      channel_id: channelId,
      source: options.source ?? 'bot_api',
      observed_at: mskAt(day, options.hour ?? 20),
      subscribers,
    })),
  );
}

/** Marks the channel's posts as collected and stores one post at noon on each given day. */
export async function posts(db: Kysely<DB>, channelId: number, days: Day[], views24h = 100): Promise<void> {
  await ensureChannelStates(db);
  await saveChannelStates(db, [{ channel_id: channelId, posts_checked_at: Date.now() }]);
  await db.transaction().execute((trx) =>
    writePosts(
      trx,
      days.flatMap((day, i) => {
        const published = mskAt(day, 12);
        const base = {
          channel_id: channelId,
          post_id: `${day}-${i}`,
          published_at: published,
          is_repost: false,
        };
        return [
          { ...base, url: null, text_length: 120, observed_at: published + 26 * 3_600_000, views: views24h },
        ];
      }),
    ),
  );
}

/** A checked page: complete (title, description with a phone, avatar, link) or missing its description. */
export async function page(db: Kysely<DB>, channelId: number, complete: boolean): Promise<void> {
  await ensureChannelStates(db);
  await saveChannelStates(db, [
    {
      channel_id: channelId,
      profile_checked_at: Date.now(),
      profile_title: 'Официальный канал',
      profile_description: complete ? 'Приёмная: +7 (800) 123-45-67' : null,
      profile_icon_url: 'https://i.example/icon.png',
      profile_link: 'https://gosuslugi.ru',
      profile_is_public: 1,
    },
  ]);
}

/** The last `n` days ending with `day`, oldest first. */
export function lastDays(day: Day, n: number): Day[] {
  const out: Day[] = [];
  const end = Date.parse(`${day}T00:00:00Z`);
  for (let i = n - 1; i >= 0; i--) out.push(new Date(end - i * 86_400_000).toISOString().slice(0, 10));
  return out;
}

/** A principal for HTTP tests: requests without credentials act as it (`buildServer`'s trustedPrincipal). */
export const TEST_ADMIN: Principal = {
  kind: 'user',
  id: null,
  name: 'analyst-admin',
  role: 'admin',
  regions: [],
};

/** The real HTTP server on a test store, acting as `principal` (default: an administrator). */
export async function startAnalyticsServer(
  store: Store,
  principal: Principal = TEST_ADMIN,
): Promise<TestServer> {
  const ctx: AppContext = {
    // Rate limits out of the way, as in startTestServer's trusted mode.
    config: parseConfig({ OHVAT_RATE_LIMIT: '1000000', OHVAT_RATE_BURST: '1000000' }),
    store,
    logger: createLogger('silent'),
    close: async () => {},
  };
  const app = await buildServer(ctx, { logger: false, trustedPrincipal: principal });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, ctx, close: () => app.close() };
}

/** The header row of a dialog-2025 rating's sheet «Рейтинг» (Russian). */
export const DIALOG_XLSX_HEADER = [
  'Место',
  'Код',
  'Регион',
  'Балл',
  'Подписчики',
  'Подписчики: место',
  'Подписчики на 1 000 жителей',
  'Подписчики на 1 000 жителей: место',
  'Изменение места',
  'Примечания',
];
