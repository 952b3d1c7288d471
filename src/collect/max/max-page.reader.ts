import type { Config } from '../../config/config.ts';
import { type RateLimiter, TokenBucketLimiter } from '../rate-limiter.ts';
import { type BackoffOptions, DEFAULT_BACKOFF, retryDelay, sleep } from './backoff.ts';
import { parseRetryAfter } from './max-api.errors.ts';

/**
 * Reads a public channel page `https://max.ru/<nick>` for its audience. The page's embedded JSON carries
 * `"participantsCount": N`; that is the only figure available without a bot token, for public channels only.
 * It is fragile (the markup may change any day) and must be read politely: one request per second by
 * default, an honest User-Agent, and few retries.
 */

export type PageFailure = 'not_found' | 'private' | 'markup_changed' | 'network' | `http_${number}`;

export type PageReadResult =
  | { ok: true; participants: number; via: PageShape }
  | { ok: false; reason: PageFailure; status?: number };

export type PageShape = 'participantsCount' | 'participants_count' | 'subscribers' | 'text';

/** Known shapes, tried in order: the current markup first, then older or alternative ones. */
const SHAPES: { via: PageShape; pattern: RegExp }[] = [
  { via: 'participantsCount', pattern: /["']participantsCount["']\s*:\s*(\d+)/ },
  { via: 'participants_count', pattern: /["']participants_count["']\s*:\s*(\d+)/ },
  {
    via: 'subscribers',
    pattern: /["']subscribers(?:Count|_count)?["']\s*:\s*(?:\{\s*["']count["']\s*:\s*)?(\d+)/,
  },
  // Visible text such as «12 345 подписчиков» (spaces may be no-break or narrow no-break).
  { via: 'text', pattern: /(\d{1,3}(?:[\s\u00a0\u202f]\d{3})*|\d+)[\s\u00a0\u202f]+подписчик/ },
];

const PRIVATE = [/["']is_?public["']\s*:\s*false/i, /закрыт(?:ый|ая) (?:канал|группа)/i];

/** Parses a page: the audience, `private`, or undefined when no known shape matches (markup changed). */
export function parseChannelPage(
  html: string,
): { participants: number; via: PageShape } | 'private' | undefined {
  for (const { via, pattern } of SHAPES) {
    const match = pattern.exec(html);
    if (match) {
      const participants = Number(match[1]!.replace(/[\s\u00a0\u202f]/g, ''));
      if (Number.isSafeInteger(participants)) return { participants, via };
    }
  }
  if (PRIVATE.some((p) => p.test(html))) return 'private';
  return undefined;
}

export interface MaxPageReaderOptions {
  /** Default https://max.ru. */
  baseUrl?: string;
  /** Default: an even pacer at `rate` requests/s. */
  limiter?: RateLimiter;
  /** Requests per second when no limiter is given; default 1. */
  rate?: number;
  timeoutMs?: number;
  /** Retries on 429, 5xx and network errors; default 1. */
  retries?: number;
  backoff?: Partial<BackoffOptions>;
  userAgent?: string;
}

export class MaxPageReader {
  readonly baseUrl: string;
  private readonly limiter: RateLimiter;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoff: BackoffOptions;
  private readonly userAgent: string;

  constructor(options: MaxPageReaderOptions = {}) {
    this.baseUrl = (options.baseUrl ?? 'https://max.ru').replace(/\/+$/, '');
    this.limiter = options.limiter ?? new TokenBucketLimiter(options.rate ?? 1);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 1;
    this.backoff = { ...DEFAULT_BACKOFF, baseMs: 2000, ...options.backoff };
    this.userAgent = options.userAgent ?? 'Mozilla/5.0 (compatible; OhvatBot/0.1; public audience figures)';
  }

  async read(nickname: string): Promise<PageReadResult> {
    const url = `${this.baseUrl}/${encodeURIComponent(nickname)}`;
    for (let attempt = 0; ; attempt += 1) {
      await this.limiter.acquire();
      const { result, retryAfterMs } = await this.once(url);
      const transient =
        !result.ok && (result.reason === 'network' || result.status === 429 || (result.status ?? 0) >= 500);
      if (!transient || attempt >= this.retries) return result;
      await sleep(retryDelay(attempt, this.backoff, retryAfterMs));
    }
  }

  private async once(url: string): Promise<{ result: PageReadResult; retryAfterMs?: number }> {
    let response: Response;
    let html: string;
    try {
      response = await fetch(url, {
        headers: { 'User-Agent': this.userAgent, Accept: 'text/html', 'Accept-Language': 'ru' },
        redirect: 'follow',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      html = await response.text();
    } catch {
      return { result: { ok: false, reason: 'network' } };
    }
    const status = response.status;
    if (status === 404 || status === 410) return { result: { ok: false, reason: 'not_found', status } };
    if (status !== 200) {
      return {
        result: { ok: false, reason: `http_${status}`, status },
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      };
    }
    const parsed = parseChannelPage(html);
    if (parsed === 'private') return { result: { ok: false, reason: 'private', status } };
    if (parsed === undefined) return { result: { ok: false, reason: 'markup_changed', status } };
    return { result: { ok: true, ...parsed } };
  }
}

export function maxPageReaderFromConfig(max: Config['max'], limiter?: RateLimiter): MaxPageReader {
  return new MaxPageReader({
    baseUrl: max.publicPageUrl,
    timeoutMs: max.timeoutMs,
    limiter: limiter ?? new TokenBucketLimiter(max.pageRequestsPerSecond),
  });
}

export interface PageReadSnapshot {
  lastGood: { participants: number; at: number } | null;
  lastFailure: { reason: PageFailure; at: number } | null;
  consecutiveFailures: number;
}

/**
 * What we know of one channel's page across reads: the last good figure survives failed reads (a changed
 * markup or an outage does not turn the audience into zero), and the reason of the latest failure is kept.
 */
export class PageReadState {
  private state: PageReadSnapshot;

  constructor(snapshot?: PageReadSnapshot) {
    this.state = snapshot
      ? structuredClone(snapshot)
      : { lastGood: null, lastFailure: null, consecutiveFailures: 0 };
  }

  record(result: PageReadResult, at: number): this {
    if (result.ok) {
      this.state = {
        lastGood: { participants: result.participants, at },
        lastFailure: null,
        consecutiveFailures: 0,
      };
    } else {
      this.state = {
        ...this.state,
        lastFailure: { reason: result.reason, at },
        consecutiveFailures: this.state.consecutiveFailures + 1,
      };
    }
    return this;
  }

  /** The last good audience figure, or null if there never was one. */
  get participants(): number | null {
    return this.state.lastGood?.participants ?? null;
  }

  get lastGoodAt(): number | null {
    return this.state.lastGood?.at ?? null;
  }

  /** Why the latest read failed; null when it succeeded. */
  get failure(): PageFailure | null {
    return this.state.lastFailure?.reason ?? null;
  }

  get consecutiveFailures(): number {
    return this.state.consecutiveFailures;
  }

  toJSON(): PageReadSnapshot {
    return structuredClone(this.state);
  }
}
