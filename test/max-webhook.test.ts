import { afterEach, expect, it } from 'vitest';
import { MaxApiClient } from '../src/collect/max/max-api.client.ts';
import { readSetting, UPDATES_MARKER_KEY, UpdatesPoller } from '../src/collect/updates.service.ts';
import type { Emulator } from '../src/emulator/emulator.server.ts';
import { startTestServer, type TestServer } from './helpers/api.ts';
import { emulatedWorld } from './helpers/collect.ts';
import { describeEachDialect } from './helpers/stores.ts';

describeEachDialect('MAX webhook deliveries', (store) => {
  let emulator: Emulator | undefined;
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    await emulator?.close();
    emulator = undefined;
    server = undefined;
  });

  it('links a channel known by nickname when MAX delivers bot_added with the secret, and refuses a wrong secret', async () => {
    const { db } = store();
    const world = await emulatedWorld(db, { channels: 100 });
    emulator = world.emulator;
    const secret = 'webhook-secret-123456';
    server = await startTestServer(store(), { max: { ...world.config.max, webhookSecret: secret } });
    // Channel index 9 was registered by nickname only (see seedDemo).
    const nickname = emulator.world.nicknameOf(9);
    const chatId = String(emulator.world.chatIdOf(9));
    const before = await db
      .selectFrom('channels')
      .select('chat_id')
      .where('nickname', '=', nickname)
      .executeTakeFirstOrThrow();
    expect(before.chat_id).toBeNull();

    const wrong = await fetch(`${server.url}/api/max/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-max-bot-api-secret': 'nope-nope-nope' },
      body: JSON.stringify({ update_type: 'bot_added', timestamp: Date.now(), chat_id: chatId }),
    });
    expect(wrong.status).toBe(401);

    // MAX's JSON may carry NUL characters in any text: the delivery is taken, not refused as bad input.
    const withNul = await fetch(`${server.url}/api/max/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-max-bot-api-secret': secret },
      body: JSON.stringify({
        update_type: 'message_created',
        timestamp: Date.now(),
        user: { user_id: 1, name: 'Бот\u0000' },
        message: { body: { mid: 'm1', text: 'текст\u0000' } },
      }),
    });
    expect(withNul.status, await withNul.clone().text()).toBe(200);

    const client = new MaxApiClient({ token: world.token, baseUrl: emulator.url });
    await client.subscribe({
      url: `${server.url}/api/max/webhook`,
      secret,
      updateTypes: ['bot_added', 'bot_removed'],
    });
    emulator.botAdded(chatId);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const row = await db
        .selectFrom('channels')
        .select('chat_id')
        .where('nickname', '=', nickname)
        .executeTakeFirstOrThrow();
      if (row.chat_id === chatId) break;
      if (Date.now() > deadline) throw new Error('the webhook delivery did not link the channel');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('learns chat ids from the GET /updates long poll and keeps the marker', async () => {
    const { db } = store();
    const world = await emulatedWorld(db, { channels: 100 });
    emulator = world.emulator;
    const poller = new UpdatesPoller(db, new MaxApiClient({ token: world.token, baseUrl: emulator.url }));
    const outcomes = [];
    for (let i = 0; i < 5; i += 1) {
      const batch = await poller.pollOnce(0);
      outcomes.push(...batch);
      if (batch.length === 0) break;
    }
    // The emulator's log starts with bot_added for each of its channels: the 10 registered by nickname only
    // get their chat ids, the others are already known.
    expect(outcomes.filter((o) => o.action === 'linked').length).toBe(10);
    expect(outcomes.filter((o) => o.action === 'created_candidate')).toHaveLength(0);
    const unlinked = await db.selectFrom('channels').select('id').where('chat_id', 'is', null).execute();
    expect(unlinked).toHaveLength(0);
    expect(await readSetting(db, UPDATES_MARKER_KEY)).not.toBeNull();
    // A channel that adds the bot but is not in the register appears as a candidate.
    await db.deleteFrom('channels').where('nickname', '=', emulator.world.nicknameOf(5)).execute();
    emulator.botAdded(String(emulator.world.chatIdOf(5)));
    const next = await poller.pollOnce(0);
    expect(next.map((o) => o.action)).toEqual(['created_candidate']);
    const candidate = await db
      .selectFrom('channels')
      .selectAll()
      .where('nickname', '=', emulator.world.nicknameOf(5))
      .executeTakeFirstOrThrow();
    expect(candidate.status).toBe('candidate');
  });

  it('stops at once while a long poll is waiting: the poll in flight is aborted', async () => {
    const { db } = store();
    const world = await emulatedWorld(db, { channels: 20 });
    emulator = world.emulator;
    const client = new MaxApiClient({ token: world.token, baseUrl: emulator.url });
    const poller = new UpdatesPoller(db, client, { timeoutSeconds: 60 });
    // Drain what the emulator has, so the next poll waits the full minute for news.
    while ((await poller.pollOnce(0)).length > 0);
    poller.start();
    await new Promise((r) => setTimeout(r, 300));
    const stopped = poller.stop().then(() => 'stopped');
    const waited = new Promise((r) => setTimeout(() => r('still waiting'), 3000));
    expect(await Promise.race([stopped, waited])).toBe('stopped');
  });
});
