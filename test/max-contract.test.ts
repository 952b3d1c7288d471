import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaxApiClient, type MaxApiClientOptions } from '../src/collect/max/max-api.client.ts';
import { MaxApiError } from '../src/collect/max/max-api.errors.ts';
import { TokenBucketLimiter } from '../src/collect/rate-limiter.ts';
import { testEnv } from '../src/config/config.ts';
import { type Emulator, startEmulator } from '../src/emulator/emulator.server.ts';

/**
 * One contract for the MAX Bot API, run against the emulator always and against the real API when
 * OHVAT_MAX_TOKEN and OHVAT_TEST_MAX_CHAT_ID are set (a channel where the bot is an administrator;
 * optionally OHVAT_TEST_MAX_NONADMIN_CHAT_ID, a channel where it is a member only). If the real API stops
 * matching what the emulator does, this is where it shows.
 */

interface ContractTarget {
  baseUrl: string;
  token: string;
  knownChannelChatId: string;
  nonAdminChatId?: string;
  missingChatId: string;
}

async function failure(promise: Promise<unknown>): Promise<MaxApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MaxApiError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

function contractSuite(title: string, target: () => ContractTarget): void {
  describe(title, () => {
    const client = (options: Partial<MaxApiClientOptions> = {}) =>
      new MaxApiClient({
        baseUrl: target().baseUrl,
        token: target().token,
        retries: 0,
        timeoutMs: 10_000,
        limiter: new TokenBucketLimiter(10),
        ...options,
      });

    it('getChat returns the channel with its audience', async () => {
      const chat = await client().getChat(target().knownChannelChatId);
      expect(chat.chat_id).toBe(target().knownChannelChatId);
      expect(chat.type).toBe('channel');
      expect(typeof chat.title).toBe('string');
      expect(chat.participants_count).toBeGreaterThan(0);
      expect(chat.status).toBe('active');
    });

    it('getChat of a missing chat is a 404 not_found, not retried', async () => {
      const error = await failure(client({ retries: 3 }).getChat(target().missingChatId));
      expect(error).toMatchObject({ kind: 'not_found', status: 404, retryable: false, attempts: 1 });
      expect(error.code).toBe('not.found');
    });

    it('a wrong token is a 401 verify.token', async () => {
      const error = await failure(
        client({ token: 'wrong-token-0000000000' }).getChat(target().knownChannelChatId),
      );
      expect(error).toMatchObject({
        kind: 'unauthorized',
        status: 401,
        code: 'verify.token',
        retryable: false,
      });
    });

    it('a token in the query string is not accepted', async () => {
      const url = `${target().baseUrl}/chats/${target().knownChannelChatId}?access_token=${target().token}`;
      const response = await fetch(url);
      expect(response.status).toBe(401);
      const body = (await response.json()) as { code?: string; message?: string };
      expect(typeof body.code).toBe('string');
      expect(typeof body.message).toBe('string');
    });

    it('members/me: the bot is an administrator of the known channel', async () => {
      const me = await client().getMyMembership(target().knownChannelChatId);
      expect(me.is_admin).toBe(true);
      expect(typeof me.user_id).toBe('string');
      expect(Array.isArray(me.permissions)).toBe(true);
    });

    it('members/me where the bot is only a member', async ({ skip }) => {
      const chatId = target().nonAdminChatId;
      if (!chatId) return skip();
      const me = await client().getMyMembership(chatId);
      expect(me.is_admin).toBe(false);
    });

    it('messages come newest first, with views, and page back in time', async () => {
      const api = client();
      const page = await api.getMessages({ chatId: target().knownChannelChatId, count: 5 });
      expect(page.length).toBeGreaterThan(0);
      for (let i = 1; i < page.length; i += 1)
        expect(page[i - 1]!.timestamp).toBeGreaterThanOrEqual(page[i]!.timestamp);
      for (const message of page) {
        expect(typeof message.body.mid).toBe('string');
        expect(message.stat?.views).toBeGreaterThanOrEqual(0);
      }
      // Walk back with small pages: the same newest posts, strictly older after them, no duplicates.
      const walked = [];
      for await (const message of api.iterateMessages(target().knownChannelChatId, 0, { pageSize: 3 })) {
        walked.push(message);
        if (walked.length >= 12) break;
      }
      expect(walked.slice(0, page.length).map((m) => m.body.mid)).toEqual(page.map((m) => m.body.mid));
      expect(new Set(walked.map((m) => m.body.mid)).size).toBe(walked.length);
      for (let i = 1; i < walked.length; i += 1) {
        expect(walked[i - 1]!.timestamp).toBeGreaterThanOrEqual(walked[i]!.timestamp);
      }
    });

    it('reading messages without being an administrator is a 403', async ({ skip }) => {
      const chatId = target().nonAdminChatId;
      if (!chatId) return skip();
      const error = await failure(client({ retries: 2 }).getMessages({ chatId, count: 1 }));
      expect(error).toMatchObject({ kind: 'forbidden', status: 403, retryable: false, attempts: 1 });
    });

    it('GET /chats (the chat listing) is gone: 405 method.not.found', async () => {
      const response = await fetch(`${target().baseUrl}/chats`, {
        headers: { Authorization: target().token },
      });
      expect(response.status).toBe(405);
      expect(((await response.json()) as { code?: string }).code).toBe('method.not.found');
    });

    it('updates answer {updates, marker} without waiting when timeout is 0', async () => {
      const result = await client().getUpdates({ timeout: 0, limit: 1 });
      expect(Array.isArray(result.updates)).toBe(true);
      for (const update of result.updates) expect(typeof update.update_type).toBe('string');
    });
  });
}

// ——— against the emulator (always) ———

const FIXED_NOW = Date.UTC(2026, 2, 2, 12, 0, 0);
const TOKEN = 'contract-token-0123456789';
let emulator: Emulator;
let nonAdminChatId = '';

beforeAll(async () => {
  emulator = await startEmulator({
    seed: 7,
    channels: 400,
    tokens: [TOKEN],
    clock: () => FIXED_NOW,
    initialUpdates: true,
  });
  const world = emulator.world;
  for (let i = 89; i < world.size; i += 1) {
    const p = world.params(i);
    if (
      p.botRole === 'member' &&
      world.existsAt(i, FIXED_NOW) &&
      world.botStatusAt(i, FIXED_NOW) === 'active'
    ) {
      nonAdminChatId = String(world.chatIdOf(i));
      break;
    }
  }
});
afterAll(async () => {
  await emulator?.close();
});

contractSuite('MAX Bot API contract [emulator]', () => ({
  baseUrl: emulator.url,
  token: TOKEN,
  knownChannelChatId: String(emulator.world.chatIdOf(1)),
  nonAdminChatId,
  missingChatId: '-71000000000001',
}));

describe('MAX Bot API contract, emulator-only checks', () => {
  const client = () =>
    new MaxApiClient({
      baseUrl: emulator.url,
      token: TOKEN,
      retries: 0,
      limiter: new TokenBucketLimiter(20),
    });

  it('getChat agrees with the world truth', async () => {
    const chat = await client().getChat(emulator.world.chatIdOf(3));
    const truth = (await (
      await fetch(`${emulator.url}/_emulator/truth/${emulator.world.chatIdOf(3)}`)
    ).json()) as {
      participants: number;
      messages_count: number;
    };
    expect(chat.participants_count).toBe(truth.participants);
    expect(chat.participants_count).toBe(emulator.world.participantsAt(3, FIXED_NOW));
    expect(chat.messages_count).toBe(truth.messages_count);
  });

  it('paging back in time yields exactly the posts of the world in the window', async () => {
    const since = FIXED_NOW - 21 * 86_400_000;
    const mids: string[] = [];
    for await (const m of client().iterateMessages(emulator.world.chatIdOf(1), since, { pageSize: 7 }))
      mids.push(m.body.mid);
    const expected = emulator.world.messagesAt(1, since, FIXED_NOW).map((p) => p.mid);
    expect(expected.length).toBeGreaterThan(20);
    expect(mids).toEqual(expected);
  });

  it('the long poll returns bot_added after /_emulator/bot-added', async () => {
    const api = client();
    // Drain the initial bot_added updates (one per channel the bot was in at start).
    let marker: string | null = null;
    for (;;) {
      const batch = await api.getUpdates({ marker, timeout: 0, limit: 1000 });
      marker = batch.marker;
      if (batch.updates.length === 0) break;
    }
    const chatId = emulator.world.chatIdOf(5);
    const poll = api.getUpdates({ marker, timeout: 5, types: ['bot_added'] });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const added = await fetch(`${emulator.url}/_emulator/bot-added`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: chatId }),
    });
    expect(added.status).toBe(200);
    const started = Date.now();
    const result = await poll;
    expect(Date.now() - started).toBeLessThan(4000);
    expect(result.updates).toHaveLength(1);
    expect(result.updates[0]).toMatchObject({
      update_type: 'bot_added',
      chat_id: String(chatId),
      is_channel: true,
    });
    expect((await api.getMyMembership(chatId)).is_admin).toBe(true);
  });

  it('webhook subscriptions receive updates with the secret header', async () => {
    const received: { secret: string | undefined; body: unknown }[] = [];
    const hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          secret: req.headers['x-max-bot-api-secret'] as string | undefined,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/max`;
    try {
      const api = client();
      expect(
        (await api.subscribe({ url: hookUrl, updateTypes: ['bot_removed'], secret: 'hook_secret_1' }))
          .success,
      ).toBe(true);
      expect((await api.listSubscriptions()).map((s) => s.url)).toContain(hookUrl);
      const chatId = emulator.world.chatIdOf(6);
      emulator.botRemoved(chatId);
      for (let i = 0; i < 50 && received.length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
      expect(received).toHaveLength(1);
      expect(received[0]!.secret).toBe('hook_secret_1');
      expect(received[0]!.body).toMatchObject({ update_type: 'bot_removed', chat_id: chatId });
      // The bot was removed: the chat says so and its messages are closed.
      expect((await api.getChat(chatId)).status).toBe('removed');
      expect((await failure(api.getMessages({ chatId, count: 1 }))).kind).toBe('forbidden');
      expect((await api.unsubscribe(hookUrl)).success).toBe(true);
      expect(await api.listSubscriptions()).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    }
  });
});

// ——— against the real API (only with a token and a known channel) ———

const realToken = testEnv('OHVAT_MAX_TOKEN')?.split(',')[0]?.trim();
const realChatId = testEnv('OHVAT_TEST_MAX_CHAT_ID');
if (realToken && realChatId) {
  contractSuite('MAX Bot API contract [real API]', () => ({
    baseUrl: testEnv('OHVAT_MAX_API_URL') ?? 'https://platform-api2.max.ru',
    token: realToken,
    knownChannelChatId: realChatId,
    nonAdminChatId: testEnv('OHVAT_TEST_MAX_NONADMIN_CHAT_ID'),
    missingChatId: testEnv('OHVAT_TEST_MAX_MISSING_CHAT_ID') ?? '-71000000000001',
  }));
} else {
  describe.skip('MAX Bot API contract [real API] (set OHVAT_MAX_TOKEN and OHVAT_TEST_MAX_CHAT_ID)', () => {
    it('runs only with a real bot token', () => {});
  });
}
