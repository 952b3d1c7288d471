import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BotApiContext, emitMembership, handleBotApi, type Reply } from './bot-api.ts';
import { handleControl } from './emulator.control.ts';
import {
  type EmulatorStats,
  type FaultConfig,
  FaultInjector,
  type FaultKind,
  ServerBucket,
  StatsRecorder,
} from './emulator-state.ts';
import { type BotUpdate, Subscriptions, UpdateLog } from './emulator-updates.ts';
import {
  renderChangedChannelPage,
  renderChannelPage,
  renderNotFoundPage,
  renderPrivateChannelPage,
  renderRateLimitedPage,
} from './public-page.ts';
import { World } from './world.ts';

/**
 * The MAX emulator: one node:http server on loopback answering the Bot API subset (token in the raw
 * `Authorization` header, 30 requests/s per token), public channel pages `GET /<nick>`, and the control API
 * under `/_emulator/` (faults, statistics, membership events, truth). Control routes exist only here, never in
 * the product server. See docs/EMULATOR.md.
 */

export interface EmulatorOptions {
  port?: number;
  host?: string;
  seed?: number;
  channels?: number;
  /** A prebuilt world (then `seed`, `channels` and `historyStart` are ignored). */
  world?: World;
  historyStart?: number | string;
  /** Accepted bot tokens; every token acts for the same bot and has its own rate budget. */
  tokens: string[];
  /** Bot API requests per second per token (bucket capacity and refill rate). Default 30. */
  rateLimit?: number;
  /** Public page requests per second per client address. Default 100. */
  pageRateLimit?: number;
  /** Send `Retry-After` (whole seconds) with 429 answers. Default true. */
  retryAfter?: boolean;
  faults?: Partial<FaultConfig>;
  /** Start the update log with a `bot_added` for every channel the bot is in. Default true. */
  initialUpdates?: boolean;
  /** World clock; defaults to the wall clock. Rate limits always use the wall clock. */
  clock?: () => number;
  bot?: { userId: number; name: string; username: string };
}

export interface Emulator {
  /** Base URL: both the Bot API base and the public page base. */
  url: string;
  world: World;
  close(): Promise<void>;
  stats(): EmulatorStats;
  resetStats(): void;
  faults(patch?: Partial<FaultConfig>): FaultConfig;
  botAdded(chatId: number | string): BotUpdate;
  botRemoved(chatId: number | string): BotUpdate;
  /** Statistics label of a configured token (`token1` …). */
  tokenLabel(token: string): string | undefined;
}

const API_ROOTS = new Set([
  'me',
  'chats',
  'messages',
  'updates',
  'subscriptions',
  'answers',
  'uploads',
  'videos',
]);
const MAX_BODY = 1_000_000;

function send(res: ServerResponse, reply: Reply, truncate = false): void {
  if (res.destroyed || res.headersSent) return;
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  const body = truncate ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : text;
  res.writeHead(reply.status, {
    'content-type':
      typeof reply.body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...reply.headers,
  });
  res.end(body);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined);
      } catch {
        resolve(undefined);
      }
    });
    req.on('error', () => resolve(undefined));
  });
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const world =
    options.world ??
    new World({
      seed: options.seed ?? 1,
      channels: options.channels ?? 20_000,
      historyStart: options.historyStart,
    });
  const clock = options.clock ?? Date.now;
  const rate = options.rateLimit ?? 30;
  const pageRate = options.pageRateLimit ?? 100;
  const labels = new Map(options.tokens.map((t, i) => [t, `token${i + 1}`]));
  const stats = new StatsRecorder(labels, Date.now);
  const faults = new FaultInjector(options.faults);
  const buckets = new Map<string, ServerBucket>();
  const pageBuckets = new Map<string, ServerBucket>();
  const held = new Set<() => void>();
  const controllers = new Set<AbortController>();
  const ctx: BotApiContext = {
    world,
    now: clock,
    bot: options.bot ?? { userId: 590_000_001, name: 'Охват — сбор аудитории', username: 'ohvat_bot' },
    overrides: new Map(),
    updates: new UpdateLog(world, clock(), options.initialUpdates ?? true),
    subscriptions: new Subscriptions(),
  };

  const emit = (chatId: number | string, type: 'bot_added' | 'bot_removed'): BotUpdate => {
    const index = world.indexOfChatId(chatId);
    if (index === undefined) throw new RangeError(`chat ${chatId} is not in the emulated world`);
    const update = emitMembership(ctx, index, type);
    void ctx.subscriptions.deliver(update).then((results) => {
      for (const ok of results) stats.webhook(ok);
    });
    return update;
  };

  const limited = (res: ServerResponse, retryAfterMs: number, html: boolean) => {
    const headers: Record<string, string> =
      options.retryAfter === false
        ? {}
        : { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
    send(
      res,
      html
        ? { status: 429, body: renderRateLimitedPage(), headers }
        : {
            status: 429,
            body: { code: 'too.many.requests', message: `Rate limit of ${rate} requests/s exceeded` },
            headers,
          },
    );
  };

  /** Applies a drawn fault; returns true when the request is finished (reset or 5xx). */
  const applyFault = async (fault: FaultKind | undefined, req: IncomingMessage, res: ServerResponse) => {
    if (fault === undefined) return false;
    stats.fault(fault);
    if (fault === 'reset') {
      req.socket.destroy();
      return true;
    }
    if (fault === 'error5xx') {
      const status = faults.serverStatus();
      send(res, {
        status,
        body:
          status === 500
            ? { code: 'internal.error', message: 'Internal error' }
            : { code: 'service.unavailable', message: 'Service unavailable' },
      });
      return true;
    }
    if (fault === 'timeout') {
      // Hold the answer past the client's timeout; answer late if the client is still there.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, faults.current.timeoutHoldMs);
        held.add(done);
        res.once('close', done);
        function done() {
          clearTimeout(timer);
          held.delete(done);
          resolve();
        }
      });
    }
    return res.destroyed;
  };

  const page = async (req: IncomingMessage, res: ServerResponse, nick: string) => {
    const ip = req.socket.remoteAddress ?? 'unknown';
    let bucket = pageBuckets.get(ip);
    if (!bucket) {
      bucket = new ServerBucket(pageRate, Date.now());
      pageBuckets.set(ip, bucket);
    }
    const taken = bucket.take(Date.now());
    if (!taken.ok) {
      stats.page('limited');
      limited(res, taken.retryAfterMs, true);
      return;
    }
    stats.page('accepted');
    const fault = faults.draw('page');
    if (fault !== 'changedMarkup' && (await applyFault(fault, req, res))) return;
    if (fault === 'changedMarkup') stats.fault('changedMarkup');
    const now = clock();
    const index = world.indexOfNickname(nick);
    if (index === undefined || !world.existsAt(index, now) || world.params(index).createdAt > now) {
      send(res, { status: 404, body: renderNotFoundPage() });
      return;
    }
    const info = world.info(index);
    const participants = world.participantsAt(index, now);
    const body = !info.params.isPublic
      ? renderPrivateChannelPage(info)
      : fault === 'changedMarkup'
        ? renderChangedChannelPage(info, participants)
        : renderChannelPage(info, participants);
    send(res, { status: 200, body });
  };

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (url.searchParams.has('access_token') || url.searchParams.has('token')) {
      stats.unauthorized();
      send(res, {
        status: 401,
        body: { code: 'verify.token', message: 'Pass the token in the Authorization header' },
      });
      return;
    }
    const token = req.headers.authorization;
    const label = token === undefined ? undefined : labels.get(token);
    if (label === undefined || token === undefined) {
      stats.unauthorized();
      send(res, { status: 401, body: { code: 'verify.token', message: 'Invalid access token' } });
      return;
    }
    let bucket = buckets.get(token);
    if (!bucket) {
      bucket = new ServerBucket(rate, Date.now());
      buckets.set(token, bucket);
    }
    const taken = bucket.take(Date.now());
    if (!taken.ok) {
      stats.token(label, 'limited');
      limited(res, taken.retryAfterMs, false);
      return;
    }
    stats.token(label, 'accepted');
    const fault = faults.draw('api');
    if (fault !== 'malformedJson' && (await applyFault(fault, req, res))) return;
    if (fault === 'malformedJson') stats.fault('malformedJson');
    const controller = new AbortController();
    controllers.add(controller);
    res.once('close', () => controller.abort());
    try {
      const reply = await handleBotApi(ctx, req.method ?? 'GET', url, () => readJson(req), controller.signal);
      send(res, reply, fault === 'malformedJson' && reply.status === 200);
    } finally {
      controllers.delete(controller);
    }
  };

  const server = createServer((req, res) => {
    stats.request();
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const [first = ''] = url.pathname.split('/').filter(Boolean);
    const route =
      first === '_emulator'
        ? handleControl(
            {
              world,
              clock,
              ctx,
              stats: () => stats.snapshot(),
              resetStats: () => stats.reset(),
              faults: (patch) => (patch ? faults.update(patch) : faults.current),
              emit,
            },
            req.method ?? 'GET',
            url,
            () => readJson(req),
          ).then((reply) => send(res, reply))
        : API_ROOTS.has(first)
          ? api(req, res, url)
          : req.method === 'GET' && /^\/[a-z0-9][a-z0-9_.-]{1,63}\/?$/i.test(url.pathname)
            ? page(req, res, first.toLowerCase())
            : Promise.resolve(send(res, { status: 404, body: renderNotFoundPage() }));
    route.catch((error: unknown) => {
      send(res, {
        status: 500,
        body: { code: 'internal.error', message: error instanceof Error ? error.message : 'error' },
      });
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    world,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    faults: (patch) => (patch ? faults.update(patch) : faults.current),
    botAdded: (chatId) => emit(chatId, 'bot_added'),
    botRemoved: (chatId) => emit(chatId, 'bot_removed'),
    tokenLabel: (token) => labels.get(token),
    close: async () => {
      for (const release of [...held]) release();
      for (const controller of controllers) controller.abort();
      ctx.updates.wakeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
