import type { z } from 'zod';
import type { Config } from '../../config/config.ts';
import { type RateLimiter, TokenBucketLimiter } from '../rate-limiter.ts';
import { type BackoffOptions, DEFAULT_BACKOFF, retryDelay, sleep } from './backoff.ts';
import { kindOfStatus, MaxApiError, type MaxErrorKind, parseRetryAfter, redact } from './max-api.errors.ts';
import {
  chatSchema,
  errorBodySchema,
  type MaxChat,
  type MaxMembership,
  type MaxMessage,
  type MaxSubscription,
  type MaxUpdate,
  membershipSchema,
  messagesSchema,
  parseJsonInt64,
  subscriptionsSchema,
  successSchema,
  updatesSchema,
  userSchema,
} from './max-api.schemas.ts';

/**
 * Client of the MAX Bot API.
 * - Base URL `https://platform-api2.max.ru` (the old `platform-api.max.ru` is retired). The servers use a
 *   certificate of the Russian Ministry of Digital Development CA: install it and point `NODE_EXTRA_CA_CERTS`
 *   at it (see README), or every request fails with a TLS error (kind `network`).
 * - The token goes in the raw `Authorization` header — no «Bearer», never in the query string — and never
 *   into logs or error messages.
 * - MAX allows 30 requests/s per token (HTTP 429 beyond). Every attempt first awaits the `RateLimiter`.
 * - 429, 5xx, network errors, timeouts and malformed answers are retried with exponential backoff and full
 *   jitter, honouring `Retry-After` (seconds or an HTTP date).
 */

export interface MaxApiClientOptions {
  token: string;
  /** Default https://platform-api2.max.ru. */
  baseUrl?: string;
  timeoutMs?: number;
  /** Retries after the first attempt (0: none). */
  retries?: number;
  /** Default: an even pacer at 30 requests/s. */
  limiter?: RateLimiter;
  backoff?: Partial<BackoffOptions>;
  userAgent?: string;
  /** Called before each retry (metrics, logs — the error carries no secret). */
  onRetry?: (event: { attempt: number; delayMs: number; error: MaxApiError }) => void;
}

export interface GetMessagesParams {
  chatId: string | number;
  /** Newer bound of the time window, epoch ms (per the docs' wording; see iterateMessages). */
  from?: number;
  /** Older bound of the time window, epoch ms. */
  to?: number;
  /** 1..100 (default 50). */
  count?: number;
}

export interface GetUpdatesParams {
  marker?: string | number | null;
  /** Long-poll wait in seconds, 0..90. */
  timeout?: number;
  /** 1..1000. */
  limit?: number;
  types?: string[];
  /** Ends the long poll at once (shutdown). */
  signal?: AbortSignal;
}

type Query = Record<string, string | number | undefined | null>;

interface RequestSpec<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  schema: S;
  /** Extra time on top of the client timeout (long polling). */
  extraTimeoutMs?: number;
  /** The caller's cancellation: the request is aborted and not retried. */
  signal?: AbortSignal;
}

export class MaxApiClient {
  readonly baseUrl: string;
  readonly #token: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly limiter: RateLimiter;
  private readonly backoff: BackoffOptions;
  private readonly userAgent: string;
  private readonly onRetry: MaxApiClientOptions['onRetry'];

  constructor(options: MaxApiClientOptions) {
    if (!options.token) throw new Error('MAX bot token is required');
    this.#token = options.token;
    this.baseUrl = (options.baseUrl ?? 'https://platform-api2.max.ru').replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 4;
    this.limiter = options.limiter ?? new TokenBucketLimiter(30);
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.userAgent = options.userAgent ?? 'ohvat/0.1 (+https://github.com/ohvat)';
    this.onRetry = options.onRetry;
  }

  /** The token is a private field, absent from `console.log(client)`; JSON dumps show only this. */
  toJSON(): Record<string, unknown> {
    return { baseUrl: this.baseUrl, timeoutMs: this.timeoutMs, retries: this.retries };
  }

  getMe() {
    return this.request({ method: 'GET', path: '/me', schema: userSchema });
  }

  getChat(chatId: string | number): Promise<MaxChat> {
    return this.request({
      method: 'GET',
      path: `/chats/${encodeURIComponent(String(chatId))}`,
      schema: chatSchema,
    });
  }

  /** The bot's own membership; reading a channel's messages requires `is_admin`. */
  getMyMembership(chatId: string | number): Promise<MaxMembership> {
    const path = `/chats/${encodeURIComponent(String(chatId))}/members/me`;
    return this.request({ method: 'GET', path, schema: membershipSchema });
  }

  /** One page of messages, newest first (sorted here too, whatever the server's order). */
  async getMessages(params: GetMessagesParams): Promise<MaxMessage[]> {
    const result = await this.request({
      method: 'GET',
      path: '/messages',
      query: { chat_id: String(params.chatId), from: params.from, to: params.to, count: params.count },
      schema: messagesSchema,
    });
    return result.messages.sort((a, b) => b.timestamp - a.timestamp);
  }

  /**
   * Messages from the newest back to `since` (inclusive), page by page. The docs call `from` and `to` the
   * bounds of a time window without saying plainly which is newer; we read `from` as the newer bound and
   * page by moving it to the oldest timestamp seen (inclusive, duplicates dropped by mid). `to` is not sent:
   * the walk stops client-side at `since`, so a reversed reading of `to` cannot silently empty the result.
   * A page that brings nothing new twice in a row ends the walk (guard against a server reading the window
   * the other way round).
   */
  async *iterateMessages(
    chatId: string | number,
    since: number,
    options: { pageSize?: number } = {},
  ): AsyncGenerator<MaxMessage> {
    const count = Math.min(100, Math.max(1, options.pageSize ?? 100));
    const seen = new Map<string, number>();
    let from: number | undefined;
    let stale = 0;
    for (;;) {
      const page = await this.getMessages({ chatId, from, count });
      if (page.length === 0) return;
      let fresh = 0;
      for (const message of page) {
        if (message.timestamp < since) return;
        if (seen.has(message.body.mid)) continue;
        seen.set(message.body.mid, message.timestamp);
        fresh += 1;
        yield message;
      }
      if (page.length < count) return;
      stale = fresh === 0 ? stale + 1 : 0;
      if (stale >= 2) return;
      const oldest = page[page.length - 1]!.timestamp;
      from = fresh === 0 ? oldest - 1 : oldest;
      // Only mids at or before the new bound can come back.
      for (const [mid, at] of seen) if (at > from) seen.delete(mid);
    }
  }

  /** Long polling for `bot_added` / `bot_removed` (how a bot learns its chats since GET /chats is gone). */
  async getUpdates(params: GetUpdatesParams = {}): Promise<{ updates: MaxUpdate[]; marker: string | null }> {
    const timeout = params.timeout ?? 30;
    const result = await this.request({
      method: 'GET',
      path: '/updates',
      query: {
        marker: params.marker ?? undefined,
        timeout,
        limit: params.limit,
        types: params.types?.length ? params.types.join(',') : undefined,
      },
      schema: updatesSchema,
      extraTimeoutMs: timeout * 1000,
      ...(params.signal ? { signal: params.signal } : {}),
    });
    return { updates: result.updates, marker: result.marker ?? null };
  }

  /** Webhook: MAX POSTs updates to `url` with header `X-Max-Bot-Api-Secret: <secret>`. */
  async subscribe(params: { url: string; updateTypes?: string[]; secret?: string; version?: string }) {
    const body = {
      url: params.url,
      update_types: params.updateTypes,
      secret: params.secret,
      version: params.version,
    };
    return this.request({ method: 'POST', path: '/subscriptions', body, schema: successSchema });
  }

  async unsubscribe(url: string) {
    return this.request({ method: 'DELETE', path: '/subscriptions', query: { url }, schema: successSchema });
  }

  async listSubscriptions(): Promise<MaxSubscription[]> {
    const result = await this.request({ method: 'GET', path: '/subscriptions', schema: subscriptionsSchema });
    return result.subscriptions;
  }

  private async request<S extends z.ZodType>(spec: RequestSpec<S>): Promise<z.output<S>> {
    const url = new URL(`${this.baseUrl}${spec.path}`);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    const label = `${spec.method} ${spec.path}`;
    for (let attempt = 0; ; attempt += 1) {
      spec.signal?.throwIfAborted();
      await this.limiter.acquire();
      const outcome = await this.attempt(spec, url, label, attempt + 1);
      if (!(outcome instanceof MaxApiError)) return outcome.value;
      spec.signal?.throwIfAborted();
      if (!outcome.retryable || attempt >= this.retries) throw outcome;
      const delayMs = retryDelay(attempt, this.backoff, outcome.retryAfterMs);
      this.onRetry?.({ attempt: attempt + 1, delayMs, error: outcome });
      await sleep(delayMs);
    }
  }

  private async attempt<S extends z.ZodType>(
    spec: RequestSpec<S>,
    url: URL,
    label: string,
    attempts: number,
  ): Promise<{ value: z.output<S> } | MaxApiError> {
    const fail = (
      kind: MaxErrorKind,
      status: number,
      code: string,
      message: string,
      extra: { retryAfterMs?: number; retryable?: boolean } = {},
    ) =>
      new MaxApiError({
        kind,
        status,
        code,
        message: redact(message, [this.#token]),
        request: label,
        attempts,
        ...extra,
      });
    let status = 0;
    let text: string;
    let retryAfter: string | null = null;
    try {
      const response = await fetch(url, {
        method: spec.method,
        headers: {
          Authorization: this.#token,
          Accept: 'application/json',
          'User-Agent': this.userAgent,
          ...(spec.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: spec.signal
          ? AbortSignal.any([AbortSignal.timeout(this.timeoutMs + (spec.extraTimeoutMs ?? 0)), spec.signal])
          : AbortSignal.timeout(this.timeoutMs + (spec.extraTimeoutMs ?? 0)),
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') {
        return fail('timeout', status, 'timeout', `no answer within ${this.timeoutMs} ms`);
      }
      return fail('network', status, 'network', describeNetworkError(error));
    }
    if (status < 200 || status >= 300) {
      let code = `http.${status}`;
      let message = text.slice(0, 200);
      try {
        const body = errorBodySchema.safeParse(JSON.parse(text));
        if (body.success) {
          code = body.data.code ?? code;
          message = body.data.message ?? message;
        }
      } catch {
        // not JSON: keep the start of the text
      }
      return fail(kindOfStatus(status), status, code, message, { retryAfterMs: parseRetryAfter(retryAfter) });
    }
    let json: unknown;
    try {
      json = parseJsonInt64(text);
    } catch {
      return fail('malformed', status, 'malformed', `invalid JSON (${text.length} bytes)`);
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      // Valid JSON of another shape: the API changed, retrying will not help.
      const where = issue?.path.join('.') || '(root)';
      return fail(
        'malformed',
        status,
        'unexpected.shape',
        `unexpected shape at ${where}: ${issue?.message}`,
        {
          retryable: false,
        },
      );
    }
    return { value: parsed.data };
  }
}

/** A short cause without secrets: undici puts the real reason (ECONNRESET, TLS …) in `cause`. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return 'network error';
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return `${error.message}: ${typeof code === 'string' ? `${code} ` : ''}${cause.message}`;
  }
  return error.message;
}

/** A client per configured token; each gets its own limiter at `max.requestsPerSecond`. */
export function maxApiClientFromConfig(
  max: Config['max'],
  options: { token?: string; limiter?: RateLimiter } = {},
): MaxApiClient {
  const token = options.token ?? max.tokens[0];
  if (!token) throw new Error('OHVAT_MAX_TOKEN is not set: the Bot API needs a bot token');
  return new MaxApiClient({
    token,
    baseUrl: max.apiUrl,
    timeoutMs: max.timeoutMs,
    retries: max.retries,
    limiter: options.limiter ?? new TokenBucketLimiter(max.requestsPerSecond),
  });
}
