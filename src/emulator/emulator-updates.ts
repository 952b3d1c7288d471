import type { World } from './world.ts';

/**
 * The bot's update stream (`GET /updates` long polling and `POST /subscriptions` webhooks). Since June 2026
 * `GET /chats` is gone, so this stream is how a bot learns the ids of the chats it was added to.
 *
 * Positions: the log is a virtual prefix — one `bot_added` for every world channel the bot was a member of
 * when the emulator started (optional) — followed by updates emitted at run time through the control API.
 * A marker is a position in that log. Like the real API, a request without a marker continues after the
 * last marker the bot sent (updates count as received once a later marker is used).
 */

export type UpdateType = 'bot_added' | 'bot_removed';

export interface BotUpdate {
  update_type: UpdateType;
  timestamp: number;
  chat_id: number;
  user: { user_id: number; name: string };
  is_channel: boolean;
}

export interface Subscription {
  url: string;
  time: number;
  update_types: UpdateType[] | null;
  version: string | null;
  secret: string | null;
}

const DEFAULT_USER_NAMES = ['Администратор канала', 'Пресс-служба', 'SMM-специалист'];

export class UpdateLog {
  private initial: number[] | undefined;
  private readonly appended: BotUpdate[] = [];
  private committed = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly world: World,
    private readonly startedAt: number,
    private readonly withInitial: boolean,
  ) {}

  /** World channels the bot was already in at start (computed on first use: one pass over the world). */
  private initialChannels(): number[] {
    if (!this.initial) {
      this.initial = [];
      if (this.withInitial) {
        for (let i = 0; i < this.world.size; i += 1) {
          const p = this.world.params(i);
          const joined = p.createdAt + 3_600_000;
          const gone =
            (p.deletedAt !== null && p.deletedAt <= this.startedAt) ||
            (p.botRemovedAt !== null && p.botRemovedAt <= this.startedAt);
          if (joined <= this.startedAt && !gone) this.initial.push(i);
        }
      }
    }
    return this.initial;
  }

  get length(): number {
    return this.initialChannels().length + this.appended.length;
  }

  at(position: number): BotUpdate {
    const initial = this.initialChannels();
    if (position >= initial.length) return this.appended[position - initial.length]!;
    const index = initial[position]!;
    const info = this.world.info(index);
    return {
      update_type: 'bot_added',
      timestamp: info.params.createdAt + 3_600_000,
      chat_id: info.chatId,
      user: { user_id: info.ownerId, name: DEFAULT_USER_NAMES[index % DEFAULT_USER_NAMES.length]! },
      is_channel: true,
    };
  }

  append(update: BotUpdate): number {
    this.appended.push(update);
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    return this.length - 1;
  }

  /**
   * Up to `limit` updates of the wanted types from `marker` (or from the last committed marker); waits up to
   * `timeoutMs` for one to arrive when there are none. Returns the updates and the next marker.
   */
  async poll(options: {
    marker: number | undefined;
    limit: number;
    timeoutMs: number;
    types: Set<string> | undefined;
    signal: AbortSignal;
  }): Promise<{ updates: BotUpdate[]; marker: number }> {
    // A marker beyond the end (say, from another emulator run) means «from the end».
    const marker = options.marker === undefined ? undefined : Math.min(options.marker, this.length);
    if (marker !== undefined) this.committed = Math.max(this.committed, marker);
    const start = marker ?? this.committed;
    const collect = () => {
      const updates: BotUpdate[] = [];
      let position = start;
      while (position < this.length && updates.length < options.limit) {
        const update = this.at(position);
        position += 1;
        if (!options.types || options.types.has(update.update_type)) updates.push(update);
      }
      return { updates, marker: position };
    };
    let result = collect();
    if (result.updates.length > 0 || options.timeoutMs <= 0) return result;
    const deadline = Date.now() + options.timeoutMs;
    while (result.updates.length === 0 && Date.now() < deadline && !options.signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
        options.signal.addEventListener('abort', done, { once: true });
        this.waiters.add(done);
        function done() {
          clearTimeout(timer);
          resolve();
        }
      });
      result = collect();
    }
    return result;
  }

  /** Wakes every waiting long poll (used when the emulator closes). */
  wakeAll(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}

/** Webhook subscriptions; runtime updates are POSTed to each (initial `bot_added` updates are not). */
export class Subscriptions {
  private readonly byUrl = new Map<string, Subscription>();

  list(): Subscription[] {
    return [...this.byUrl.values()];
  }

  add(subscription: Subscription): void {
    this.byUrl.set(subscription.url, subscription);
  }

  remove(url: string): boolean {
    return this.byUrl.delete(url);
  }

  /** Delivers an update to every subscription that wants its type; resolves to per-delivery success. */
  async deliver(update: BotUpdate): Promise<boolean[]> {
    const targets = this.list().filter((s) => !s.update_types || s.update_types.includes(update.update_type));
    return Promise.all(
      targets.map(async (s) => {
        try {
          const response = await fetch(s.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(s.secret ? { 'X-Max-Bot-Api-Secret': s.secret } : {}),
            },
            body: JSON.stringify(update),
            signal: AbortSignal.timeout(5000),
          });
          await response.arrayBuffer();
          return response.ok;
        } catch {
          return false;
        }
      }),
    );
  }
}
