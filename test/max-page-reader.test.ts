import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MaxPageReader, PageReadState, parseChannelPage } from '../src/collect/max/max-page.reader.ts';
import { UNLIMITED } from '../src/collect/rate-limiter.ts';
import { type Emulator, startEmulator } from '../src/emulator/emulator.server.ts';

const NOW = Date.UTC(2026, 6, 1, 10, 0);
let emulator: Emulator;
let strict: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    seed: 9,
    channels: 2000,
    tokens: ['page-token-0000000000'],
    clock: () => NOW,
  });
  strict = await startEmulator({
    seed: 9,
    channels: 200,
    tokens: ['page-token-0000000000'],
    pageRateLimit: 2,
  });
});
afterAll(async () => {
  await emulator?.close();
  await strict?.close();
});
afterEach(() => {
  emulator.faults({ error5xxRatio: 0, changedMarkupRatio: 0, resetRatio: 0, timeoutRatio: 0 });
});

const reader = (options: ConstructorParameters<typeof MaxPageReader>[0] = {}) =>
  new MaxPageReader({ baseUrl: emulator.url, limiter: UNLIMITED, retries: 0, ...options });

function findIndex(predicate: (i: number) => boolean): number {
  for (let i = 89; i < emulator.world.size; i += 1) if (predicate(i)) return i;
  throw new Error('no such channel in the test world');
}

describe('public page reader', () => {
  it('reads participantsCount from a public page, equal to the world truth', async () => {
    const r = reader();
    for (const index of [0, 1, 150]) {
      const result = await r.read(emulator.world.nicknameOf(index));
      expect(result).toEqual({
        ok: true,
        participants: emulator.world.participantsAt(index, NOW),
        via: 'participantsCount',
      });
    }
  });

  it('a private channel has no figure: reason private', async () => {
    const index = findIndex((i) => !emulator.world.params(i).isPublic && emulator.world.existsAt(i, NOW));
    expect(await reader().read(emulator.world.nicknameOf(index))).toMatchObject({
      ok: false,
      reason: 'private',
    });
  });

  it('an unknown or deleted channel: reason not_found', async () => {
    expect(await reader().read('no_such_channel_gos')).toMatchObject({
      ok: false,
      reason: 'not_found',
      status: 404,
    });
    const deleted = findIndex((i) => {
      const at = emulator.world.params(i).deletedAt;
      return at !== null && at < NOW;
    });
    expect(await reader().read(emulator.world.nicknameOf(deleted))).toMatchObject({
      ok: false,
      reason: 'not_found',
    });
  });

  it('a markup change fails with markup_changed and the state keeps the last good value', async () => {
    const nick = emulator.world.nicknameOf(2);
    const truth = emulator.world.participantsAt(2, NOW);
    const state = new PageReadState();
    state.record(await reader().read(nick), 1000);
    expect(state.participants).toBe(truth);

    const response = await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ changedMarkupRatio: 1 }),
    });
    expect(response.status).toBe(200);
    const failed = await reader().read(nick);
    expect(failed).toEqual({ ok: false, reason: 'markup_changed', status: 200 });
    state.record(failed, 2000);
    state.record(failed, 3000);
    expect(state.participants).toBe(truth);
    expect(state.lastGoodAt).toBe(1000);
    expect(state.failure).toBe('markup_changed');
    expect(state.consecutiveFailures).toBe(2);

    // The snapshot survives a round trip (stored between collection runs).
    const restored = new PageReadState(JSON.parse(JSON.stringify(state)));
    expect(restored.participants).toBe(truth);
    expect(restored.failure).toBe('markup_changed');

    emulator.faults({ changedMarkupRatio: 0 });
    restored.record(await reader().read(nick), 4000);
    expect(restored.failure).toBeNull();
    expect(restored.consecutiveFailures).toBe(0);
    expect(restored.lastGoodAt).toBe(4000);
  });

  it('server errors are http_<status>; retries get through them', async () => {
    emulator.faults({ error5xxRatio: 1, seed: 4 });
    const failed = await reader().read(emulator.world.nicknameOf(0));
    expect(failed.ok).toBe(false);
    expect(['http_500', 'http_503']).toContain(!failed.ok && failed.reason);

    emulator.faults({ error5xxRatio: 0.5, seed: 4 });
    const r = reader({ retries: 6, backoff: { baseMs: 5, maxMs: 20 } });
    for (let i = 0; i < 6; i += 1) expect((await r.read(emulator.world.nicknameOf(i))).ok).toBe(true);
  });

  it('network failures are reason network', async () => {
    const r = new MaxPageReader({
      baseUrl: 'http://127.0.0.1:9',
      limiter: UNLIMITED,
      retries: 0,
      timeoutMs: 1000,
    });
    expect(await r.read('anything')).toEqual({ ok: false, reason: 'network' });
  });

  it('the per-address page limit answers 429: http_429', async () => {
    const r = new MaxPageReader({ baseUrl: strict.url, limiter: UNLIMITED, retries: 0 });
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => r.read(strict.world.nicknameOf(i))));
    expect(results.filter((x) => !x.ok && x.reason === 'http_429').length).toBeGreaterThan(0);
    expect(strict.stats().pages.limited).toBeGreaterThan(0);
  });

  it('paces requests at the configured rate', async () => {
    const r = new MaxPageReader({ baseUrl: emulator.url, rate: 10, retries: 0 });
    const started = performance.now();
    for (let i = 0; i < 4; i += 1) await r.read(emulator.world.nicknameOf(i));
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });
});

describe('parseChannelPage', () => {
  it('knows the current shape and older ones', () => {
    expect(parseChannelPage('<script>{"participantsCount": 1234}</script>')).toEqual({
      participants: 1234,
      via: 'participantsCount',
    });
    expect(parseChannelPage("{'participantsCount':7}")).toEqual({
      participants: 7,
      via: 'participantsCount',
    });
    expect(parseChannelPage('{"participants_count":56}')).toEqual({
      participants: 56,
      via: 'participants_count',
    });
    expect(parseChannelPage('{"subscribers": {"count": 89}}')).toEqual({
      participants: 89,
      via: 'subscribers',
    });
    expect(parseChannelPage('{"subscribersCount": 90}')).toEqual({ participants: 90, via: 'subscribers' });
    expect(parseChannelPage('<meta content="12\u00a0345 подписчиков">')).toEqual({
      participants: 12345,
      via: 'text',
    });
    expect(parseChannelPage('<p>1 подписчик</p>')).toEqual({ participants: 1, via: 'text' });
  });

  it('tells a private page from a changed one', () => {
    expect(parseChannelPage('{"channel": {"isPublic": false}}')).toBe('private');
    expect(parseChannelPage('<p>Это закрытый канал</p>')).toBe('private');
    expect(parseChannelPage('{"audience": {"total": 5}}')).toBeUndefined();
    expect(parseChannelPage('')).toBeUndefined();
  });
});
