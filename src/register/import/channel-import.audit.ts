import { type AuditEntry, auditable, diffFields } from '../../access/audit.repository.ts';
import type { Channel, NewChannel } from '../../store/schema.ts';

/**
 * What the channel import adds for access control and the audit log: the region check of a row (an operator
 * may touch only channels of their regions, before and after the change) and the audit entries of the
 * channels it creates and changes (the changed fields only, with the file row).
 */

/**
 * The region that takes a row outside `allowed`: the channel's region now (when it exists) or after the
 * import; undefined when the row is inside.
 */
export function regionOutside(
  allowed: ReadonlySet<string>,
  target: Channel | undefined,
  after: string | null,
): string | null | undefined {
  return [target ? target.region_code : after, after].find((r) => r === null || !allowed.has(r));
}

export function regionIssueText(
  region: string | null,
  allowed: ReadonlySet<string>,
): { ru: string; en: string } {
  const shown = region ?? '—';
  const mine = [...allowed].join(', ');
  return {
    ru: `канал в регионе «${shown}», а вам доступны только ${mine}`,
    en: `the channel is in region "${shown}", you may change only ${mine}`,
  };
}

export function channelKey(platform: string, nickname: string | null, chatId: string | null): string {
  return nickname !== null ? `${platform}|n:${nickname}` : `${platform}|c:${chatId ?? ''}`;
}

export function updateEntry(
  target: Channel,
  values: Omit<NewChannel, 'id' | 'created_at' | 'updated_at'>,
  row: number,
): AuditEntry | null {
  const diff = diffFields(auditable(target), auditable({ ...target, ...values }));
  if (!diff) return null;
  return {
    action: 'channel.update',
    entity_type: 'channel',
    entity_id: target.id,
    region_code: values.region_code ?? null,
    before: { row, ...diff.before },
    after: { row, ...diff.after },
  };
}

/** Entries of the channels inserted, matched to their values and file rows by platform + nickname/chat id. */
export function createdEntries(
  inserts: { values: NewChannel; row: number }[],
  created: { id: number; platform: string; nickname: string | null; chat_id: string | null }[],
): AuditEntry[] {
  const byKey = new Map(
    inserts.map((i) => [
      channelKey(i.values.platform, i.values.nickname ?? null, i.values.chat_id ?? null),
      i,
    ]),
  );
  return created.map((c) => {
    const insert = byKey.get(channelKey(c.platform, c.nickname, c.chat_id));
    return {
      action: 'channel.create',
      entity_type: 'channel',
      entity_id: c.id,
      region_code: insert?.values.region_code ?? null,
      after: { row: insert?.row ?? null, id: c.id, ...(insert ? auditable(insert.values) : {}) },
    };
  });
}
