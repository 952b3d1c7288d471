import { z } from 'zod';
import { SequenceRandom } from './random.ts';

/**
 * Run-time state of the emulator that is not the world: fault injection, rate buckets and request
 * statistics. Kept apart from the HTTP plumbing so each piece stays small and testable.
 */

export const faultConfigSchema = z
  .object({
    /** Share of requests answered 500/503. */
    error5xxRatio: z.number().min(0).max(1),
    /** Share of requests held past the client's timeout (`timeoutHoldMs`). */
    timeoutRatio: z.number().min(0).max(1),
    /** Share of Bot API answers cut in the middle (status 200, invalid JSON). */
    malformedJsonRatio: z.number().min(0).max(1),
    /** Share of requests whose socket is destroyed without an answer. */
    resetRatio: z.number().min(0).max(1),
    /** Share of public pages rendered with a different markup (no participantsCount). */
    changedMarkupRatio: z.number().min(0).max(1),
    /** Seed of the fault sequence: the same seed gives the same faults in the same request order. */
    seed: z.number().int(),
    /** How long a «timeout» request is held before it is answered after all. */
    timeoutHoldMs: z.number().int().min(0).max(600_000),
  })
  .strict();

export type FaultConfig = z.infer<typeof faultConfigSchema>;
export const faultPatchSchema = faultConfigSchema.partial();

export const NO_FAULTS: FaultConfig = {
  error5xxRatio: 0,
  timeoutRatio: 0,
  malformedJsonRatio: 0,
  resetRatio: 0,
  changedMarkupRatio: 0,
  seed: 1,
  timeoutHoldMs: 30_000,
};

export type FaultKind = 'error5xx' | 'timeout' | 'reset' | 'malformedJson' | 'changedMarkup';

/** Draws at most one fault per request from a seeded sequence. */
export class FaultInjector {
  private config: FaultConfig;
  private random: SequenceRandom;
  private fiveHundred: SequenceRandom;

  constructor(initial: Partial<FaultConfig> = {}) {
    this.config = { ...NO_FAULTS, ...initial };
    this.random = new SequenceRandom(this.config.seed);
    this.fiveHundred = new SequenceRandom(this.config.seed ^ 0x5005);
  }

  get current(): FaultConfig {
    return { ...this.config };
  }

  /** Merges a patch; the fault sequence restarts from the (new or current) seed. */
  update(patch: Partial<FaultConfig>): FaultConfig {
    this.config = faultConfigSchema.parse({ ...this.config, ...patch });
    this.random = new SequenceRandom(this.config.seed);
    this.fiveHundred = new SequenceRandom(this.config.seed ^ 0x5005);
    return this.current;
  }

  /** The fault for the next request of the given surface, or undefined. */
  draw(surface: 'api' | 'page'): FaultKind | undefined {
    const c = this.config;
    const last: [FaultKind, number] =
      surface === 'api' ? ['malformedJson', c.malformedJsonRatio] : ['changedMarkup', c.changedMarkupRatio];
    const slices: [FaultKind, number][] = [
      ['error5xx', c.error5xxRatio],
      ['timeout', c.timeoutRatio],
      ['reset', c.resetRatio],
      last,
    ];
    if (slices.every(([, ratio]) => ratio === 0)) return undefined;
    const u = this.random.next();
    let acc = 0;
    for (const [kind, ratio] of slices) {
      acc += ratio;
      if (u < acc) return kind;
    }
    return undefined;
  }

  /** 500 or 503, alternating at random. */
  serverStatus(): 500 | 503 {
    return this.fiveHundred.next() < 0.5 ? 500 : 503;
  }
}

/**
 * The emulator's reading of «30 requests per second per token»: a token bucket holding at most `rate`
 * tokens, refilled continuously at `rate` per second. A burst of `rate` requests passes, after which
 * requests pass at `rate`/s.
 */
export class ServerBucket {
  private tokens: number;
  private last: number;
  constructor(
    readonly rate: number,
    now: number,
  ) {
    this.tokens = rate;
    this.last = now;
  }

  /** Takes a token; when none is left returns the wait until the next one, in ms. */
  take(now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: ((1 - this.tokens) / this.rate) * 1000 };
  }
}

export interface Counts {
  accepted: number;
  limited: number;
}

export interface CounterStats extends Counts {
  /** Unix second → counts, for the last `HISTOGRAM_SECONDS` seconds. */
  perSecond: Record<string, Counts>;
}

export interface EmulatorStats {
  since: number;
  /** Keyed by token label (`token1`, `token2` … in configuration order). */
  tokens: Record<string, CounterStats & { hint: string }>;
  /** Public pages, all client addresses together. */
  pages: CounterStats;
  faults: Record<FaultKind, number>;
  totals: Counts & {
    requests: number;
    unauthorized: number;
    webhookDeliveries: number;
    webhookFailures: number;
  };
}

const HISTOGRAM_SECONDS = 3600;

function counter(): CounterStats {
  return { accepted: 0, limited: 0, perSecond: {} };
}

function bump(stats: CounterStats, second: number, kind: keyof Counts): void {
  stats[kind] += 1;
  const key = String(second);
  let bucket = stats.perSecond[key];
  if (!bucket) {
    bucket = { accepted: 0, limited: 0 };
    stats.perSecond[key] = bucket;
    const oldest = second - HISTOGRAM_SECONDS;
    for (const k of Object.keys(stats.perSecond)) if (Number(k) < oldest) delete stats.perSecond[k];
  }
  bucket[kind] += 1;
}

export class StatsRecorder {
  private stats!: EmulatorStats;
  constructor(
    private readonly labels: Map<string, string>,
    private readonly clock: () => number,
  ) {
    this.reset();
  }

  reset(): void {
    const tokens: EmulatorStats['tokens'] = {};
    for (const [token, label] of this.labels) tokens[label] = { ...counter(), hint: `${token.slice(0, 4)}…` };
    this.stats = {
      since: this.clock(),
      tokens,
      pages: counter(),
      faults: { error5xx: 0, timeout: 0, reset: 0, malformedJson: 0, changedMarkup: 0 },
      totals: {
        requests: 0,
        accepted: 0,
        limited: 0,
        unauthorized: 0,
        webhookDeliveries: 0,
        webhookFailures: 0,
      },
    };
  }

  request(): void {
    this.stats.totals.requests += 1;
  }

  unauthorized(): void {
    this.stats.totals.unauthorized += 1;
  }

  token(label: string, kind: keyof Counts): void {
    const entry = this.stats.tokens[label];
    if (entry) bump(entry, Math.floor(this.clock() / 1000), kind);
    this.stats.totals[kind] += 1;
  }

  page(kind: keyof Counts): void {
    bump(this.stats.pages, Math.floor(this.clock() / 1000), kind);
    this.stats.totals[kind] += 1;
  }

  fault(kind: FaultKind): void {
    this.stats.faults[kind] += 1;
  }

  webhook(ok: boolean): void {
    if (ok) this.stats.totals.webhookDeliveries += 1;
    else this.stats.totals.webhookFailures += 1;
  }

  snapshot(): EmulatorStats {
    return structuredClone(this.stats);
  }
}
