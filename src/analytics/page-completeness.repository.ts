import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../store/schema.ts';
import { pageCompleteFlag } from './page-completeness.ts';

type AnyDb = Kysely<unknown> | Kysely<DB> | Transaction<DB>;

/** Stores page completeness for every checked profile that has none (pages of 5,000). */
export async function fillPageComplete(db: AnyDb): Promise<void> {
  for (let after = 0; ; ) {
    const { rows } = await sql<{
      channel_id: number;
      profile_title: string | null;
      profile_description: string | null;
      profile_icon_url: string | null;
      profile_link: string | null;
    }>`select channel_id, profile_title, profile_description, profile_icon_url, profile_link from channel_state
       where profile_checked_at is not null and page_complete is null and channel_id > ${after}
       order by channel_id limit 5000`.execute(db);
    if (rows.length === 0) return;
    for (const value of [0, 1]) {
      const ids = rows.filter((r) => pageCompleteFlag(r) === value).map((r) => r.channel_id);
      for (let i = 0; i < ids.length; i += 1000) {
        await sql`update channel_state set page_complete = ${value} where channel_id in (${sql.join(ids.slice(i, i + 1000))})`.execute(
          db,
        );
      }
    }
    after = rows.at(-1)!.channel_id;
  }
}
