/**
 * Errors of the MAX Bot API client. The API answers errors as JSON `{code, message}` with statuses 400, 401,
 * 403, 404, 405, 429, 500, 503 (codes seen: `verify.token`, `not.found`, `chat.denied`, `method.not.found`,
 * `too.many.requests`). Transport failures get kinds of their own. Messages never contain the bot token:
 * whatever the server or the network layer says is passed through `redact` first.
 */

export type MaxErrorKind =
  | 'timeout'
  | 'network'
  | 'malformed'
  | 'rate_limited'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'bad_request'
  | 'server';

const RETRYABLE: ReadonlySet<MaxErrorKind> = new Set([
  'timeout',
  'network',
  'malformed',
  'rate_limited',
  'server',
]);

export function kindOfStatus(status: number): MaxErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 405) return 'method_not_allowed';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return 'bad_request';
}

export interface MaxApiErrorInit {
  kind: MaxErrorKind;
  /** HTTP status; 0 when no answer arrived (timeout, network). */
  status: number;
  /** The API's error code (`verify.token` …) or the kind for transport failures. */
  code: string;
  message: string;
  /** Method and path of the request (never the query string's secrets, never the token). */
  request: string;
  attempts: number;
  /** Server-requested delay before retrying (ms), from `Retry-After`. */
  retryAfterMs?: number;
  /** Overrides the kind's default (e.g. a well-formed answer of an unexpected shape is not retried). */
  retryable?: boolean;
}

export class MaxApiError extends Error {
  readonly kind: MaxErrorKind;
  readonly status: number;
  readonly code: string;
  readonly retryable: boolean;
  readonly request: string;
  readonly attempts: number;
  readonly retryAfterMs: number | undefined;

  constructor(init: MaxApiErrorInit) {
    super(`MAX API ${init.request}: ${init.status ? `${init.status} ` : ''}${init.code}: ${init.message}`);
    this.name = 'MaxApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.retryable = init.retryable ?? RETRYABLE.has(init.kind);
    this.request = init.request;
    this.attempts = init.attempts;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** A definitive answer about the chat (it is gone or closed to the bot) rather than a transient fault. */
  get permanent(): boolean {
    return this.kind === 'not_found' || this.kind === 'forbidden';
  }
}

/** Removes every occurrence of the secrets from a text (server messages may echo what they were sent). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or
 * unparseable. A date in the past means «now» (0).
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
