import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MaxApiClient, type MaxApiClientOptions } from '../src/collect/max/max-api.client.ts';
import { MaxApiError, type MaxErrorKind, parseRetryAfter } from '../src/collect/max/max-api.errors.ts';
import { TokenBucketLimiter, UNLIMITED } from '../src/collect/rate-limiter.ts';
import { type Emulator, startEmulator } from '../src/emulator/emulator.server.ts';
import type { EmulatorStats, FaultConfig } from '../src/emulator/emulator-state.ts';

const FAULT_TOKEN = 'faults-token-aaaaaaaaaa';
const PACED_TOKEN = 'paced-token-bbbbbbbbbbb';
const BURST_TOKEN = 'burst-token-ccccccccccc';
const LIMITED_TOKEN = 'limited-token-ddddddddd';
const NOW = Date.UTC(2026, 4, 20, 9, 30);
let emulator: Emulator;
let faulty: Emulator;
let slow: Emulator;

beforeAll(async () => {
  const clock = () => NOW;
  emulator = await startEmulator({ seed: 3, channels: 300, tokens: [PACED_TOKEN, BURST_TOKEN], clock });
  // Faults are tested without the rate limit in the way.
  faulty = await startEmulator({ seed: 3, channels: 300, tokens: [FAULT_TOKEN], clock, rateLimit: 100_000 });
  slow = await startEmulator({ seed: 3, channels: 300, tokens: [LIMITED_TOKEN], rateLimit: 10, clock });
});
afterAll(async () => {
  await emulator?.close();
  await faulty?.close();
  await slow?.close();
});

async function setFaults(patch: Partial<FaultConfig>): Promise<FaultConfig> {
  const response = await fetch(`${faulty.url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(patch),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as FaultConfig;
}

async function stats(target: Emulator): Promise<EmulatorStats> {
  return (await (await fetch(`${target.url}/_emulator/stats`)).json()) as EmulatorStats;
}

function faultClient(options: Partial<MaxApiClientOptions> = {}) {
  const retried: MaxErrorKind[] = [];
  const client = new MaxApiClient({
    baseUrl: faulty.url,
    token: FAULT_TOKEN,
    retries: 8,
    timeoutMs: 2000,
    limiter: UNLIMITED,
    backoff: { baseMs: 5, maxMs: 40 },
    onRetry: ({ error }) => retried.push(error.kind),
    ...options,
  });
  return { client, retried };
}

const chatIds = (n: number) => Array.from({ length: n }, (_, i) => faulty.world.chatIdOf(i));

describe('MAX client against injected faults', () => {
  afterEach(async () => {
    await setFaults({
      error5xxRatio: 0,
      timeoutRatio: 0,
      malformedJsonRatio: 0,
      resetRatio: 0,
      changedMarkupRatio: 0,
    });
  });

  it.each([
    ['5xx', { error5xxRatio: 0.5 }, 'server', 'error5xx'],
    ['malformed JSON', { malformedJsonRatio: 0.5 }, 'malformed', 'malformedJson'],
    ['connection resets', { resetRatio: 0.4 }, 'network', 'reset'],
  ] as const)('retries through %s and every call succeeds', async (_name, patch, kind, counter) => {
    await setFaults({ ...patch, seed: 11 });
    const before = (await stats(faulty)).faults[counter];
    const { client, retried } = faultClient();
    const chats = await Promise.all(chatIds(20).map((id) => client.getChat(id)));
    expect(chats.map((c) => c.chat_id)).toEqual(chatIds(20).map(String));
    for (const [i, chat] of chats.entries()) {
      expect(chat.participants_count).toBe(faulty.world.participantsAt(i, NOW));
    }
    expect(retried.length).toBeGreaterThan(0);
    expect(new Set(retried)).toEqual(new Set([kind]));
    expect((await stats(faulty)).faults[counter] - before).toBe(retried.length);
  });

  it('retries through timeouts (the emulator holds the answer past the client timeout)', async () => {
    await setFaults({ timeoutRatio: 0.3, timeoutHoldMs: 3000, seed: 5 });
    const { client, retried } = faultClient({ timeoutMs: 250 });
    const started = Date.now();
    const chats = await Promise.all(chatIds(10).map((id) => client.getChat(id)));
    expect(chats).toHaveLength(10);
    expect(retried).toContain('timeout');
    expect(new Set(retried)).toEqual(new Set(['timeout']));
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('without retries the fault surfaces as a typed, retryable error', async () => {
    await setFaults({ error5xxRatio: 1, seed: 2 });
    const { client } = faultClient({ retries: 0 });
    const error = await client.getChat(chatIds(1)[0]!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaxApiError);
    expect(error).toMatchObject({ kind: 'server', retryable: true, attempts: 1 });
    expect([500, 503]).toContain((error as MaxApiError).status);
  });

  it('gives up after the configured retries', async () => {
    await setFaults({ malformedJsonRatio: 1, seed: 2 });
    const { client, retried } = faultClient({ retries: 2 });
    const error = await client.getChat(chatIds(1)[0]!).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'malformed', attempts: 3 });
    expect(retried).toEqual(['malformed', 'malformed']);
  });
});

describe('rate limits', () => {
  it('a 429 is retried after Retry-After and every call succeeds', async () => {
    const delays: number[] = [];
    const client = new MaxApiClient({
      baseUrl: slow.url,
      token: LIMITED_TOKEN,
      limiter: UNLIMITED,
      retries: 4,
      backoff: { baseMs: 5, maxMs: 20 },
      onRetry: ({ delayMs, error }) => {
        expect(error.kind).toBe('rate_limited');
        delays.push(delayMs);
      },
    });
    const ids = Array.from({ length: 18 }, (_, i) => slow.world.chatIdOf(i));
    const chats = await Promise.all(ids.map((id) => client.getChat(id)));
    expect(chats).toHaveLength(18);
    const s = await stats(slow);
    expect(s.tokens.token1!.limited).toBeGreaterThan(0);
    expect(delays.length).toBe(s.tokens.token1!.limited);
    // The emulator sends Retry-After: 1, so the client waits a whole second instead of its 5–20 ms backoff.
    expect(delays.every((d) => d === 1000)).toBe(true);
  });

  it('a client paced at 30/s against the emulator at 30/s gets no 429 in ~2 s', async () => {
    const paced = new MaxApiClient({
      baseUrl: emulator.url,
      token: PACED_TOKEN,
      limiter: new TokenBucketLimiter(30),
      retries: 0,
    });
    const started = Date.now();
    const ids = Array.from({ length: 62 }, (_, i) => emulator.world.chatIdOf(i % emulator.world.size));
    await Promise.all(ids.map((id) => paced.getChat(id)));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThan(1900);
    const s = await stats(emulator);
    const token = s.tokens[emulator.tokenLabel(PACED_TOKEN)!]!;
    expect(token).toMatchObject({ accepted: 62, limited: 0 });
    // The per-second histogram shows the load spread over three wall-clock seconds, not bursted.
    const perSecond = Object.values(token.perSecond).map((c) => c.accepted);
    expect(perSecond.reduce((a, b) => a + b, 0)).toBe(62);
    expect(perSecond.length).toBeGreaterThanOrEqual(3);

    // The same load unpaced trips the limit: the check above can fail.
    const burst = new MaxApiClient({
      baseUrl: emulator.url,
      token: BURST_TOKEN,
      limiter: UNLIMITED,
      retries: 0,
    });
    const outcomes = await Promise.allSettled(ids.map((id) => burst.getChat(id)));
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect((await stats(emulator)).tokens[emulator.tokenLabel(BURST_TOKEN)!]!.limited).toBe(rejected.length);
  });

  it('TokenBucketLimiter lets a burst of `capacity` through, then paces', async () => {
    const limiter = new TokenBucketLimiter(20, 5);
    const started = performance.now();
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 9 }, () => limiter.acquire().then(() => times.push(performance.now() - started))),
    );
    times.sort((a, b) => a - b);
    expect(times[4]!).toBeLessThan(20);
    expect(times[8]!).toBeGreaterThanOrEqual(195); // 4 more at 50 ms apart
  });
});

/** A scripted server: answers come from `script` in order; records what it was sent. */
async function scripted(script: ((req: IncomingMessage, res: ServerResponse) => void)[]) {
  const seen: { at: number; authorization: string | undefined; url: string }[] = [];
  const server = createServer((req, res) => {
    seen.push({ at: Date.now(), authorization: req.headers.authorization, url: req.url ?? '' });
    const answer = script[Math.min(seen.length - 1, script.length - 1)]!;
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

describe('Retry-After and secrets', () => {
  it('honours Retry-After in seconds and as an HTTP date', async () => {
    // HTTP dates have whole seconds: 3 s ahead is still ≥ 2 s ahead after truncation.
    const date = new Date(Date.now() + 3000).toUTCString();
    const server = await scripted([
      json(429, { code: 'too.many.requests', message: 'slow down' }, { 'retry-after': '1' }),
      json(503, { code: 'service.unavailable', message: 'later' }, { 'retry-after': date }),
      json(200, { chat_id: 42, type: 'channel', status: 'active', participants_count: '17' }),
    ]);
    try {
      const client = new MaxApiClient({
        baseUrl: server.url,
        token: 'scripted-token-1234567',
        limiter: UNLIMITED,
        retries: 3,
        backoff: { baseMs: 1, maxMs: 2 },
      });
      const chat = await client.getChat(42);
      expect(chat).toMatchObject({ chat_id: '42', participants_count: 17 });
      expect(server.seen).toHaveLength(3);
      expect(server.seen[1]!.at - server.seen[0]!.at).toBeGreaterThanOrEqual(990);
      expect(server.seen[2]!.at - server.seen[1]!.at).toBeGreaterThanOrEqual(900);
      expect(server.seen.every((s) => s.authorization === 'scripted-token-1234567')).toBe(true);
      expect(server.seen.every((s) => !s.url.includes('token'))).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('parses Retry-After values', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('never puts the token in error messages, even when the server echoes it', async () => {
    const token = 'secret-bot-token-9f8e7d6c5b4a';
    const echo = (status: number) => (req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ code: 'verify.token', message: `Invalid token ${req.headers.authorization}` }),
      );
    };
    const server = await scripted([echo(401), echo(500), (_req, res) => res.end(`{"chat_id": "${token}`)]);
    const client = new MaxApiClient({ baseUrl: server.url, token, limiter: UNLIMITED, retries: 0 });
    const errors: unknown[] = [];
    try {
      for (let i = 0; i < 3; i += 1) errors.push(await client.getChat(1).catch((e: unknown) => e));
    } finally {
      await server.close();
    }
    // A network failure too (nothing listens on the closed port any more).
    errors.push(await client.getChat(1).catch((e: unknown) => e));
    expect(errors.map((e) => (e as MaxApiError).kind)).toEqual([
      'unauthorized',
      'server',
      'malformed',
      'network',
    ]);
    expect((errors[0] as Error).message).toContain('[redacted]');
    for (const error of errors) {
      expect(error).toBeInstanceOf(MaxApiError);
      for (const text of [
        String(error),
        (error as Error).stack ?? '',
        JSON.stringify(error),
        inspect(error, { depth: 5 }),
      ]) {
        expect(text).not.toContain(token);
      }
    }
    expect(inspect(client, { depth: 5 })).not.toContain(token);
    expect(JSON.stringify(client)).not.toContain(token);
  });
});
