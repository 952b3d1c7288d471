import type { Kysely, Transaction } from 'kysely';
import { chunkForInsert } from '../../store/dialect.ts';
import type { Channel, DB, NewChannel, NewOrganisation, Organisation } from '../../store/schema.ts';

/**
 * Set-at-a-time lookups and writes for bulk imports: one query per chunk of keys, multi-row inserts and
 * updates, never one query per row.
 */

type Db = Kysely<DB> | Transaction<DB>;

/** Keys per `in (…)` list: far below both dialects' bind-parameter limits. */
const KEYS_PER_QUERY = 1000;

function chunks<T>(items: T[], size = KEYS_PER_QUERY): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Channels whose nickname or chat id is among the given ones (any platform; callers check the platform). */
export async function channelsByKeys(db: Db, nicknames: string[], chatIds: string[]): Promise<Channel[]> {
  const found = new Map<number, Channel>();
  for (const part of chunks([...new Set(nicknames)])) {
    for (const c of await db.selectFrom('channels').selectAll().where('nickname', 'in', part).execute()) {
      found.set(c.id, c);
    }
  }
  for (const part of chunks([...new Set(chatIds)])) {
    for (const c of await db.selectFrom('channels').selectAll().where('chat_id', 'in', part).execute()) {
      found.set(c.id, c);
    }
  }
  return [...found.values()];
}

export async function organisationsByInnOrName(
  db: Db,
  inns: string[],
  names: string[],
): Promise<Organisation[]> {
  const found = new Map<number, Organisation>();
  for (const part of chunks([...new Set(inns)])) {
    for (const o of await db.selectFrom('organisations').selectAll().where('inn', 'in', part).execute()) {
      found.set(o.id, o);
    }
  }
  for (const part of chunks([...new Set(names)])) {
    for (const o of await db.selectFrom('organisations').selectAll().where('name', 'in', part).execute()) {
      found.set(o.id, o);
    }
  }
  return [...found.values()].sort((a, b) => a.id - b.id);
}

export async function organisationsByIds(db: Db, ids: number[]): Promise<Map<number, Organisation>> {
  const found = new Map<number, Organisation>();
  for (const part of chunks([...new Set(ids)])) {
    for (const o of await db.selectFrom('organisations').selectAll().where('id', 'in', part).execute()) {
      found.set(o.id, o);
    }
  }
  return found;
}

/** Multi-row insert; returns the new rows (in no guaranteed order: callers match them by their keys). */
export async function insertOrganisations(db: Db, rows: NewOrganisation[]): Promise<Organisation[]> {
  const out: Organisation[] = [];
  for (const part of chunkForInsert(db, rows)) {
    out.push(...(await db.insertInto('organisations').values(part).returningAll().execute()));
  }
  return out;
}

/** Multi-row insert; returns the new ids with their keys (in no guaranteed order). */
export async function insertChannels(
  db: Db,
  rows: NewChannel[],
): Promise<{ id: number; platform: string; nickname: string | null; chat_id: string | null }[]> {
  const out: { id: number; platform: string; nickname: string | null; chat_id: string | null }[] = [];
  for (const part of chunkForInsert(db, rows)) {
    out.push(
      ...(await db
        .insertInto('channels')
        .values(part)
        .returning(['id', 'platform', 'nickname', 'chat_id'])
        .execute()),
    );
  }
  return out;
}

/**
 * Rewrites existing channels in bulk: `insert … on conflict (id) do update` with every column but
 * `created_at` taken from the new values. One statement per chunk on both dialects.
 */
export async function updateChannels(db: Db, rows: (NewChannel & { id: number })[]): Promise<void> {
  for (const part of chunkForInsert(db, rows)) {
    await db
      .insertInto('channels')
      .values(part)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          platform: eb.ref('excluded.platform'),
          nickname: eb.ref('excluded.nickname'),
          chat_id: eb.ref('excluded.chat_id'),
          url: eb.ref('excluded.url'),
          title: eb.ref('excluded.title'),
          organisation_id: eb.ref('excluded.organisation_id'),
          category: eb.ref('excluded.category'),
          level: eb.ref('excluded.level'),
          region_code: eb.ref('excluded.region_code'),
          municipality: eb.ref('excluded.municipality'),
          page_class: eb.ref('excluded.page_class'),
          status: eb.ref('excluded.status'),
          official_confirmed: eb.ref('excluded.official_confirmed'),
          search_text: eb.ref('excluded.search_text'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}
