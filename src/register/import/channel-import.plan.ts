import type { Kysely, Transaction } from 'kysely';
import { type AuditEntry, auditable } from '../../access/audit.repository.ts';
import { nowIso } from '../../store/dialect.ts';
import type { Channel, DB, NewChannel, NewOrganisation } from '../../store/schema.ts';
import { searchTextOf } from '../channel.repository.ts';
import { canonicalUrl } from '../nickname.ts';
import { insertOrganisations, organisationsByInnOrName } from './channel-import.repository.ts';
import type { ChannelValidation, ParsedChannelRow } from './channel-row.validator.ts';
import { type ImportIssue, issue } from './import.issues.ts';

/**
 * What a channel import does to each valid row (channel-import.service.ts): the plan — the stored channel it
 * matched, its category and organisation — and the channel's values to store, with the organisations found or
 * created for the rows and the state a run carries across chunks.
 */

type Db = Kysely<DB> | Transaction<DB>;
export type ChannelValues = Omit<NewChannel, 'id' | 'created_at' | 'updated_at'>;

/** Columns compared to decide between "updated" and "unchanged". */
export const COMPARED = [
  'platform',
  'nickname',
  'chat_id',
  'url',
  'title',
  'organisation_id',
  'category',
  'level',
  'region_code',
  'municipality',
  'page_class',
  'status',
  'official_confirmed',
  'search_text',
] as const satisfies readonly (keyof ChannelValues)[];

/** What the import does with one valid row: the stored channel it matched (none: a new one) and more. */
export interface Plan {
  row: ParsedChannelRow;
  target: Channel | undefined;
  category: string;
  /** undefined: keep the stored link; null: no organisation. */
  organisationId?: number | null;
  organisationName?: string | null;
}

/** What a run carries from chunk to chunk. */
export interface RunState {
  /** Organisation identity key → id and name, across chunks. */
  organisations: Map<string, { id: number; name: string }>;
  /** Channel id → the file row that already targets it. */
  claimed: Map<number, number>;
  errors: ImportIssue[];
  counts: { created: number; updated: number; unchanged: number };
  /** Regions rows may touch (null: any). */
  allowed: ReadonlySet<string> | null;
  /** Audit entries of the changes made (written only if the import commits). */
  audit: AuditEntry[];
}

/** A problem of one file row, naming the column of `field` as the file's header spells it. */
export function rowIssue(
  validation: ChannelValidation,
  row: number,
  field: 'nickname' | 'chat_id' | 'category' | 'organisation' | 'inn' | 'region' | null,
  value: string | null,
  code: string,
  ru: string,
  en: string,
): ImportIssue {
  const column = field === null ? null : (validation.header.get(field) ?? null);
  return issue(validation.file, row, column, value, code, ru, en);
}

/** The stored row for a plan: file values where given, the stored ones (or defaults) elsewhere. */
export function channelValues(plan: Plan): ChannelValues {
  const { row, target } = plan;
  const pick = <T>(given: T | undefined, stored: T | undefined, fallback: T): T =>
    given !== undefined ? given : stored !== undefined ? stored : fallback;
  const nickname = row.nickname ?? target?.nickname ?? null;
  const url =
    target && target.nickname === nickname && target.url !== null
      ? target.url
      : nickname
        ? canonicalUrl(row.platform, nickname)
        : (target?.url ?? null);
  const title = pick(row.title, target?.title, null);
  const municipality = pick(row.municipality, target?.municipality, null);
  const organisationId = pick(plan.organisationId, target?.organisation_id, null);
  const organisationName = organisationId === null ? null : (plan.organisationName ?? null);
  return {
    platform: row.platform,
    nickname,
    chat_id: row.chat_id ?? target?.chat_id ?? null,
    url,
    title,
    organisation_id: organisationId,
    category: plan.category,
    level: pick(row.level, target?.level, null),
    region_code: pick(row.region_code, target?.region_code, null),
    municipality,
    page_class: pick(row.page_class, target?.page_class, null),
    status: pick(row.status, target?.status, 'active'),
    official_confirmed: pick(row.official_confirmed, target?.official_confirmed, 0),
    search_text: searchTextOf(title, nickname, municipality, organisationName),
  };
}

/**
 * Finds or creates the organisation of each plan (sets organisationId/organisationName). Matching follows
 * `findOrganisationByIdentity`: by INN when given, else by exact name within the region; a name match with a
 * different INN is another organisation. Lookups and inserts are per chunk; results are cached for the run.
 */
export async function resolveOrganisations(
  trx: Db,
  validation: ChannelValidation,
  plans: Plan[],
  state: RunState,
) {
  const wanted = new Map<
    string,
    { plan: Plan; name: string | null; inn: string | null; region: string | null }
  >();
  const keyed: [Plan, string][] = [];
  for (const plan of plans) {
    const { organisation, inn } = plan.row;
    if (organisation === undefined && inn === undefined) continue;
    if (!organisation && !inn) {
      plan.organisationId = null;
      continue;
    }
    const region =
      plan.row.region_code !== undefined ? plan.row.region_code : (plan.target?.region_code ?? null);
    const key = inn ? `i:${inn}` : `n:${region ?? ''}|${organisation}`;
    keyed.push([plan, key]);
    if (!state.organisations.has(key) && !wanted.has(key)) {
      wanted.set(key, { plan, name: organisation ?? null, inn: inn ?? null, region });
    }
  }
  if (wanted.size > 0) {
    const items = [...wanted.values()];
    const candidates = await organisationsByInnOrName(
      trx,
      items.flatMap((w) => (w.inn ? [w.inn] : [])),
      items.flatMap((w) => (w.name ? [w.name] : [])),
    );
    const toCreate: NewOrganisation[] = [];
    const now = nowIso();
    for (const [key, w] of wanted) {
      const found =
        (w.inn ? candidates.find((o) => o.inn === w.inn) : undefined) ??
        candidates.find(
          (o) => o.name === w.name && o.region_code === w.region && (w.inn === null || o.inn === null),
        );
      if (found) {
        state.organisations.set(key, { id: found.id, name: found.name });
      } else if (w.name) {
        const { row, target } = w.plan;
        const municipality =
          row.municipality !== undefined ? row.municipality : (target?.municipality ?? null);
        const level =
          (row.level !== undefined ? row.level : target?.level) ??
          (municipality ? 'municipal' : w.region ? 'regional' : 'federal');
        toCreate.push({
          name: w.name,
          category: w.plan.category,
          level,
          region_code: w.region,
          municipality,
          inn: w.inn,
          ogrn: row.ogrn ?? null,
          search_text: searchTextOf(w.name, municipality, w.inn, row.ogrn ?? null),
          created_at: now,
          updated_at: now,
        });
      }
    }
    for (const o of await insertOrganisations(trx, toCreate)) {
      const key = o.inn ? `i:${o.inn}` : `n:${o.region_code ?? ''}|${o.name}`;
      state.organisations.set(key, { id: o.id, name: o.name });
      state.audit.push({
        action: 'organisation.create',
        entity_type: 'organisation',
        entity_id: o.id,
        region_code: o.region_code,
        after: auditable(o),
      });
    }
  }
  for (const [plan, key] of keyed) {
    const org = state.organisations.get(key);
    if (org) {
      plan.organisationId = org.id;
      plan.organisationName = org.name;
      continue;
    }
    state.errors.push(
      rowIssue(
        validation,
        plan.row.row,
        'inn',
        plan.row.inn ?? null,
        'unknown_organisation',
        `организация с ИНН ${plan.row.inn} не найдена, а её название не указано`,
        `no organisation with INN ${plan.row.inn} and no organisation name given`,
      ),
    );
    plans.splice(plans.indexOf(plan), 1);
  }
}
