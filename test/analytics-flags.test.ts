import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { flagRegion, reviewAnomalyFlag } from '../src/analytics/anomaly-flag.service.ts';
import { addDays } from '../src/analytics/calendar.ts';
import { computeRating } from '../src/analytics/rating.service.ts';
import type { DB } from '../src/store/schema.ts';
import { addChannel, lastDays, observe, startAnalyticsServer } from './helpers/analytics-fixtures.ts';
import { type ApiError, requestJson } from './helpers/api.ts';
import { describeEachDialect } from './helpers/stores.ts';

/**
 * The anomaly flag workflow through the real HTTP server: detection over the daily read model stores open
 * flags; an open flag marks the rating row; confirming removes the anomaly from the data before the rating
 * (that day only, or with its jump); dismissing leaves the data as is; every review is recorded.
 */

const D = '2026-04-30';
const SPIKE_DAY = addDays(D, -5);
const JUMP = 5_000;

interface Flag {
  id: number;
  channel_id: number;
  rule: string;
  day: string;
  status: string;
  exclusion_mode: string;
  region_code: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_comment: string | null;
  reviews: { status: string; comment: string; reviewed_by: string | null; exclusion_mode: string | null }[];
}

/** 40 days of steady growth; RU-BA gets bought subscribers that stay, RU-KO a one-day glitch on D. */
async function world(db: Kysely<DB>) {
  const ba = await addChannel(db, { region: 'RU-BA', title: 'Правительство Башкортостана' });
  const ko = await addChannel(db, { region: 'RU-KO', title: 'Правительство Коми' });
  const days = lastDays(D, 40);
  const baValues: Record<string, number> = {};
  const koValues: Record<string, number> = {};
  days.forEach((day, i) => {
    baValues[day] = 10_000 + 30 * i + (i % 3) + (day >= SPIKE_DAY ? JUMP : 0);
    koValues[day] = 5_000 + 20 * i + (i % 2) + (day === D ? 3_000 : 0);
  });
  await observe(db, ba, baValues);
  await observe(db, ko, koValues);
  return { ba, ko, baValues, koValues };
}

describeEachDialect('anomaly flags: detect, review, effect on ratings', (store) => {
  it('detects, marks, confirms (with or without the jump) and dismisses, recording every review', async () => {
    const { db } = store();
    const { ba, ko, baValues, koValues } = await world(db);
    const server = await startAnalyticsServer(store());
    try {
      const detect = await requestJson<{ inserted: number; found: number; asOf: string; channels: number }>(
        server.url,
        'POST',
        '/api/flags/detect',
        { date: D, days: 14 },
      );
      expect(detect.status).toBe(200);
      expect(detect.body).toMatchObject({ asOf: D, channels: 2, inserted: 2 });
      // Running it again stores nothing new.
      const again = await requestJson<{ inserted: number }>(server.url, 'POST', '/api/flags/detect', {
        date: D,
        days: 14,
      });
      expect(again.body.inserted).toBe(0);

      const open = await requestJson<{ items: Flag[]; total: number }>(
        server.url,
        'GET',
        '/api/flags?status=open&region=RU-BA',
      );
      expect(open.body.total).toBe(1);
      const spike = open.body.items[0]!;
      expect(spike).toMatchObject({ channel_id: ba, rule: 'spike', day: SPIKE_DAY, region_code: 'RU-BA' });
      expect(await flagRegion(db, spike.id)).toBe('RU-BA');

      // Open flags stay in the rating as notes on the row; the data are used as they are.
      const before = await computeRating(db, { methodology: 'dialog-2025', date: D, previousDays: 0 });
      const baRow = before.rows.find((r) => r.key === 'RU-BA')!;
      expect(baRow.indicators.subscribers!.value).toBe(baValues[D]);
      expect(baRow.place).not.toBeNull();
      expect(baRow.flags).toContainEqual(expect.objectContaining({ code: 'anomaly:spike', day: SPIKE_DAY }));

      // Confirm the spike, removing the jump from later days too ('level').
      const confirmed = await requestJson<Flag>(server.url, 'POST', `/api/flags/${spike.id}/confirm`, {
        comment: 'Накрутка: покупка подписчиков подтверждена',
        mode: 'level',
      });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toMatchObject({ status: 'confirmed', exclusion_mode: 'level' });
      expect(confirmed.body.reviewed_at).not.toBeNull();
      expect(confirmed.body.reviewed_by).toBe('analyst-admin');
      expect(confirmed.body.reviews).toEqual([
        expect.objectContaining({
          status: 'confirmed',
          comment: 'Накрутка: покупка подписчиков подтверждена',
        }),
      ]);
      const after = await computeRating(db, { methodology: 'dialog-2025', date: D, previousDays: 0 });
      const jumpOfDay = baValues[SPIKE_DAY]! - baValues[addDays(SPIKE_DAY, -1)]!;
      const baAfter = after.rows.find((r) => r.key === 'RU-BA')!;
      expect(baAfter.indicators.subscribers!.value).toBe(baValues[D]! - jumpOfDay);
      expect(baAfter.flags.map((f) => f.code)).toEqual(['excluded:anomaly:spike']);
      // Confirming twice is a conflict; an unknown flag is 404; a comment is required.
      const twice = await requestJson<ApiError>(server.url, 'POST', `/api/flags/${spike.id}/confirm`, {
        comment: 'ещё раз',
        mode: 'level',
      });
      expect(twice.status).toBe(409);
      expect(
        (await requestJson(server.url, 'POST', '/api/flags/999999/dismiss', { comment: 'x' })).status,
      ).toBe(404);
      expect((await requestJson(server.url, 'POST', `/api/flags/${spike.id}/dismiss`, {})).status).toBe(400);

      // The one-day glitch on D in Komi: confirmed for that day only, the day before's value is used.
      const glitch = (await requestJson<{ items: Flag[] }>(server.url, 'GET', `/api/flags?channel=${ko}`))
        .body.items[0]!;
      expect(glitch).toMatchObject({ rule: 'spike', day: D, status: 'open' });
      const reviewed = await reviewAnomalyFlag(db, glitch.id, {
        status: 'confirmed',
        comment: 'Сбой сбора',
        by: 'operator@ru-ko',
      });
      expect(reviewed).toMatchObject({
        status: 'confirmed',
        exclusion_mode: 'carry',
        reviewed_by: 'operator@ru-ko',
      });
      const carried = await computeRating(db, { methodology: 'dialog-2025', date: D, previousDays: 0 });
      expect(carried.rows.find((r) => r.key === 'RU-KO')!.indicators.subscribers!.value).toBe(
        koValues[addDays(D, -1)],
      );

      // Dismissing it (the operator changed their mind) puts the observed value back; both reviews are kept.
      const dismissed = await requestJson<Flag>(server.url, 'POST', `/api/flags/${glitch.id}/dismiss`, {
        comment: 'Ошибся: это не сбой',
      });
      expect(dismissed.body.status).toBe('dismissed');
      expect(dismissed.body.reviews.map((r) => [r.status, r.reviewed_by, r.comment])).toEqual([
        ['confirmed', 'operator@ru-ko', 'Сбой сбора'],
        ['dismissed', 'analyst-admin', 'Ошибся: это не сбой'],
      ]);
      const restored = await computeRating(db, { methodology: 'dialog-2025', date: D, previousDays: 0 });
      const koRow = restored.rows.find((r) => r.key === 'RU-KO')!;
      expect(koRow.indicators.subscribers!.value).toBe(koValues[D]);
      expect(koRow.flags.filter((f) => f.code.includes('anomaly'))).toEqual([]);

      const all = await requestJson<{ items: Flag[]; total: number }>(
        server.url,
        'GET',
        '/api/flags?status=confirmed,dismissed',
      );
      expect(all.body.items.map((f) => f.status).sort()).toEqual(['confirmed', 'dismissed']);
      expect((await requestJson(server.url, 'GET', '/api/flags?status=nope')).status).toBe(400);
    } finally {
      await server.close();
    }
  });
});
