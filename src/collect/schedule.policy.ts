/**
 * When is a channel due? Pure policy, no I/O. Important channels are collected more often: a channel's
 * interval is the shortest of its category's and its page class's; failures back off exponentially (capped)
 * so a broken channel does not eat the shared rate budget.
 */

const HOUR = 3_600_000;

export interface SchedulePolicy {
  /** Interval per category code; `default` for the rest. */
  categoryIntervalMs: Record<string, number>;
  /** Interval per page class (flagship pages more often). */
  pageClassIntervalMs: Record<string, number>;
  defaultIntervalMs: number;
  /** Interval for channels read from public pages (no bot): they cost a slow, polite request. */
  publicPageIntervalMs: number;
  /** How often post views are refreshed for channels where the bot is admin. */
  postsIntervalMs: number;
  failureBackoffBaseMs: number;
  failureBackoffMaxMs: number;
}

export const DEFAULT_SCHEDULE: SchedulePolicy = {
  categoryIntervalMs: {
    regional_government: 1 * HOUR,
    executive_body: 6 * HOUR,
    local_government: 6 * HOUR,
    legislature: 6 * HOUR,
  },
  pageClassIntervalMs: { flagship: 2 * HOUR, active: 12 * HOUR },
  defaultIntervalMs: 24 * HOUR,
  publicPageIntervalMs: 24 * HOUR,
  postsIntervalMs: 24 * HOUR,
  failureBackoffBaseMs: 5 * 60_000,
  failureBackoffMaxMs: 24 * HOUR,
};

export interface ScheduledChannel {
  category: string;
  page_class: string | null;
  chat_id: string | null;
}

/** Priority: lower number first when several channels are due at once. */
export function priorityOf(channel: ScheduledChannel): number {
  if (channel.category === 'regional_government') return 1;
  if (channel.page_class === 'flagship') return 2;
  if (['executive_body', 'local_government', 'legislature'].includes(channel.category)) return 3;
  return 5;
}

export function intervalOf(channel: ScheduledChannel, policy: SchedulePolicy = DEFAULT_SCHEDULE): number {
  const candidates = [policy.categoryIntervalMs[channel.category], policy.defaultIntervalMs];
  if (channel.page_class) candidates.push(policy.pageClassIntervalMs[channel.page_class]);
  const interval = Math.min(...candidates.filter((v): v is number => typeof v === 'number'));
  return channel.chat_id === null ? Math.max(interval, policy.publicPageIntervalMs) : interval;
}

/** Next due time after an attempt at `now`. */
export function nextDueAt(
  channel: ScheduledChannel,
  outcome: { ok: boolean; consecutiveFailures: number },
  now: number,
  policy: SchedulePolicy = DEFAULT_SCHEDULE,
): number {
  if (outcome.ok) return now + intervalOf(channel, policy);
  const backoff = policy.failureBackoffBaseMs * 2 ** Math.max(0, outcome.consecutiveFailures - 1);
  return now + Math.min(backoff, policy.failureBackoffMaxMs, intervalOf(channel, policy));
}

/** Whether the posts of a channel should be refreshed in this attempt. */
export function postsDue(
  postsCheckedAt: number | null,
  now: number,
  policy: SchedulePolicy = DEFAULT_SCHEDULE,
): boolean {
  return postsCheckedAt === null || now - postsCheckedAt >= policy.postsIntervalMs;
}
