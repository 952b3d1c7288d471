import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/emulator/emulator.server.ts';
import type { EmulatorStats } from '../src/emulator/emulator-state.ts';
import type { RegisterRow } from '../src/emulator/world.ts';

const TOKEN = 'control-token-000000000';
const NOW = Date.UTC(2026, 3, 10, 8);
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ seed: 4, channels: 500, tokens: [TOKEN], clock: () => NOW });
});
afterAll(async () => {
  await emulator?.close();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${emulator.url}${path}`, { headers });
const post = (path: string, body: unknown) =>
  fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('emulator control API', () => {
  it('serves the world register in pages', async () => {
    const body = (await (await get('/_emulator/register?offset=88&limit=3')).json()) as {
      total: number;
      rows: RegisterRow[];
    };
    expect(body.total).toBe(500);
    expect(body.rows).toEqual([88, 89, 90].map((i) => emulator.world.registerRow(i)));
    expect(body.rows[0]!.category).toBe('regional_government');
  });

  it('tells the truth about a chat at any instant', async () => {
    const chatId = emulator.world.chatIdOf(10);
    const at = NOW - 30 * 86_400_000;
    const truth = (await (await get(`/_emulator/truth/${chatId}?at=${at}`)).json()) as Record<
      string,
      unknown
    >;
    expect(truth).toMatchObject({
      chat_id: chatId,
      participants: emulator.world.participantsAt(10, at),
      messages_count: emulator.world.messagesCountAt(10, at),
      exists: true,
    });
    expect((await get('/_emulator/truth/-5')).status).toBe(404);
    expect((await get(`/_emulator/truth/${chatId}?at=yesterday`)).status).toBe(400);
  });

  it('validates fault settings and resets statistics', async () => {
    expect((await post('/_emulator/faults', { error5xxRatio: 2 })).status).toBe(400);
    expect((await post('/_emulator/faults', { unknown: 1 })).status).toBe(400);
    const ok = await post('/_emulator/faults', { resetRatio: 0.25, seed: 9 });
    expect(await ok.json()).toMatchObject({ resetRatio: 0.25, seed: 9, error5xxRatio: 0 });
    emulator.faults({ resetRatio: 0 });

    await get('/me', { authorization: TOKEN });
    const before = (await (await get('/_emulator/stats')).json()) as EmulatorStats;
    expect(before.tokens.token1!.accepted).toBeGreaterThan(0);
    const second = String(Math.floor(Date.now() / 1000));
    expect(Object.keys(before.tokens.token1!.perSecond).length).toBeGreaterThan(0);
    expect(Number(Object.keys(before.tokens.token1!.perSecond)[0])).toBeLessThanOrEqual(Number(second));
    expect((await post('/_emulator/stats/reset', {})).status).toBe(200);
    const after = (await (await get('/_emulator/stats')).json()) as EmulatorStats;
    expect(after.tokens.token1).toMatchObject({ accepted: 0, limited: 0, perSecond: {} });
    expect(after.totals.requests).toBe(1);
  });

  it('rejects membership events for chats outside the world', async () => {
    expect((await post('/_emulator/bot-added', { chat_id: -1 })).status).toBe(404);
    expect((await post('/_emulator/bot-added', {})).status).toBe(400);
  });
});

describe('emulator Bot API edges', () => {
  it('accepts only the raw token in the Authorization header', async () => {
    expect((await get('/me', { authorization: TOKEN })).status).toBe(200);
    expect((await get('/me', { authorization: `Bearer ${TOKEN}` })).status).toBe(401);
    expect((await get('/me')).status).toBe(401);
    const queryToken = await get(`/me?access_token=${TOKEN}`, { authorization: TOKEN });
    expect(queryToken.status).toBe(401);
    expect(await queryToken.json()).toMatchObject({ code: 'verify.token' });
  });

  it('answers wrong methods with 405 and bad parameters with 400', async () => {
    const chatId = emulator.world.chatIdOf(0);
    const wrong = await fetch(`${emulator.url}/chats/${chatId}`, {
      method: 'DELETE',
      headers: { authorization: TOKEN },
    });
    expect(wrong.status).toBe(405);
    expect(await wrong.json()).toMatchObject({ code: 'method.not.found' });
    expect((await get(`/messages?chat_id=${chatId}&count=500`, { authorization: TOKEN })).status).toBe(400);
    expect((await get('/messages', { authorization: TOKEN })).status).toBe(400);
    expect((await get('/chats/abc', { authorization: TOKEN })).status).toBe(400);
  });

  it('serves 404 pages for unknown paths and nicknames', async () => {
    const page = await get('/no_such_channel');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
  });
});
