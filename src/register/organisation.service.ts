import type { Kysely, Transaction } from 'kysely';
import { auditable, diffFields, recordChange } from '../access/audit.repository.ts';
import { assertRegions, type ChangeContext } from '../access/principal.ts';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { nowIso } from '../store/dialect.ts';
import type { DB, OrganisationUpdate } from '../store/schema.ts';
import { countChannels, refreshOrganisationChannels } from './channel.repository.ts';
import {
  countOrganisations,
  deleteOrganisation,
  findOrganisation,
  findOrganisationByInn,
  findOrganisationWithNames,
  insertOrganisation,
  ORGANISATION_SORT_FIELDS,
  type OrganisationFilter,
  organisationSearchText,
  queryOrganisations,
  updateOrganisation,
} from './organisation.repository.ts';
import {
  type OrganisationCreateInput,
  type OrganisationListQuery,
  type OrganisationUpdateInput,
  type OrganisationView,
  toOrganisationView,
} from './organisation.schema.ts';
import { pageOf, pageWindow } from './paging.ts';
import { findRegion } from './region.repository.ts';

/**
 * Use cases of the organisations register. An organisation is identified by its INN when it has one (two
 * organisations may not share an INN); renaming one refreshes the search text of its channels; deleting one
 * that channels reference needs `force` (the channels keep existing, without organisation). Given a
 * `ChangeContext`, operators change only organisations of their regions (before and after; with `force`,
 * also every channel detached); every change goes to the audit log in its transaction.
 */

type Db = Kysely<DB>;
type Tx = Transaction<DB>;

export interface OrganisationPage {
  items: OrganisationView[];
  total: number;
  page: number | null;
  per_page: number;
  next_cursor: string | null;
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(message, [{ path: `body/${field}`, message }]);
}

async function checkRegion(db: Db | Tx, code: string | null | undefined): Promise<void> {
  if (code && !(await findRegion(db, code))) throw invalid('region_code', `Unknown region ${code}`);
}

async function assertInnFree(db: Db | Tx, inn: string | null | undefined, selfId?: number): Promise<void> {
  if (!inn) return;
  const other = await findOrganisationByInn(db, inn);
  if (other && other.id !== selfId) {
    throw new ConflictError(`An organisation with INN ${inn} already exists (organisation ${other.id})`, [
      { field: 'inn', value: inn, existing_id: other.id, existing_name: other.name },
    ]);
  }
}

async function viewOf(db: Db | Tx, id: number): Promise<OrganisationView> {
  const row = await findOrganisationWithNames(db, id);
  if (!row) throw new NotFoundError(`Organisation ${id} not found`, { id });
  return toOrganisationView(row);
}

export async function getOrganisation(db: Db, id: number): Promise<OrganisationView> {
  return viewOf(db, id);
}

export async function listOrganisationPage(db: Db, query: OrganisationListQuery): Promise<OrganisationPage> {
  const filter: OrganisationFilter = {
    region: query.region,
    category: query.category,
    level: query.level,
    municipality: query.municipality,
    text: query.q,
  };
  const window = pageWindow(
    { sort: query.sort, perPage: query.per_page, page: query.page, cursor: query.cursor },
    ORGANISATION_SORT_FIELDS,
    'id',
  );
  const [rows, total] = await Promise.all([
    queryOrganisations(db, {
      ...filter,
      sort: window.sort.field,
      order: window.sort.order,
      limit: window.limit,
      offset: window.offset,
      after: window.after,
    }),
    countOrganisations(db, filter),
  ]);
  const { items, next_cursor } = pageOf(rows, window, query.per_page, (row, field) => row[field]);
  return {
    items: items.map(toOrganisationView),
    total,
    page: window.page,
    per_page: query.per_page,
    next_cursor,
  };
}

export async function createOrganisation(
  db: Db,
  input: OrganisationCreateInput,
  change?: ChangeContext,
): Promise<OrganisationView> {
  if (change) assertRegions(change.principal, [input.region_code ?? null], 'Организация / organisation');
  return db.transaction().execute(async (tx) => {
    await checkRegion(tx, input.region_code);
    await assertInnFree(tx, input.inn);
    const now = nowIso();
    const values = {
      name: input.name,
      category: input.category,
      level: input.level,
      region_code: input.region_code ?? null,
      municipality: input.municipality ?? null,
      inn: input.inn ?? null,
      ogrn: input.ogrn ?? null,
    };
    const row = await insertOrganisation(tx, {
      ...values,
      search_text: organisationSearchText(values),
      created_at: now,
      updated_at: now,
    });
    await recordChange(tx, change, {
      action: 'organisation.create',
      entity_type: 'organisation',
      entity_id: row.id,
      region_code: row.region_code,
      after: auditable(row),
    });
    return viewOf(tx, row.id);
  });
}

/** PATCH: omitted fields stay, null clears. A new name is carried into the channels' search text. */
export async function patchOrganisation(
  db: Db,
  id: number,
  patch: OrganisationUpdateInput,
  change?: ChangeContext,
): Promise<OrganisationView> {
  return db.transaction().execute(async (tx) => {
    const existing = await findOrganisation(tx, id);
    if (!existing) throw new NotFoundError(`Organisation ${id} not found`, { id });
    if (change) {
      const after = patch.region_code !== undefined ? patch.region_code : existing.region_code;
      assertRegions(change.principal, [existing.region_code, after], `Организация / organisation ${id}`);
    }
    await checkRegion(tx, patch.region_code);
    await assertInnFree(tx, patch.inn, id);
    const next = {
      name: patch.name ?? existing.name,
      municipality: patch.municipality !== undefined ? patch.municipality : existing.municipality,
      inn: patch.inn !== undefined ? patch.inn : existing.inn,
      ogrn: patch.ogrn !== undefined ? patch.ogrn : existing.ogrn,
    };
    const now = nowIso();
    const changes: OrganisationUpdate = {
      ...next,
      search_text: organisationSearchText(next),
      updated_at: now,
    };
    if (patch.category !== undefined) changes.category = patch.category;
    if (patch.level !== undefined) changes.level = patch.level;
    if (patch.region_code !== undefined) changes.region_code = patch.region_code;
    await updateOrganisation(tx, id, changes);
    if (next.name !== existing.name) await refreshOrganisationChannels(tx, id, next.name);
    const stored = await findOrganisation(tx, id);
    const diff = stored ? diffFields(auditable(existing), auditable(stored)) : null;
    if (diff) {
      await recordChange(tx, change, {
        action: 'organisation.update',
        entity_type: 'organisation',
        entity_id: id,
        region_code: stored?.region_code ?? null,
        ...diff,
      });
    }
    return viewOf(tx, id);
  });
}

/**
 * Deletes an organisation. While channels reference it: 409, unless `force` — then those channels are
 * kept with organisation_id null (and their search text without the organisation's name).
 */
export async function removeOrganisation(
  db: Db,
  id: number,
  options: { force?: boolean } = {},
  change?: ChangeContext,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const existing = await findOrganisation(tx, id);
    if (!existing) throw new NotFoundError(`Organisation ${id} not found`, { id });
    const channels = await countChannels(tx, { organisationId: id });
    if (change) {
      const channelRegions =
        options.force && channels > 0
          ? (
              await tx
                .selectFrom('channels')
                .select('region_code')
                .distinct()
                .where('organisation_id', '=', id)
                .execute()
            ).map((r) => r.region_code)
          : [];
      assertRegions(
        change.principal,
        [existing.region_code, ...channelRegions],
        `Организация / organisation ${id}`,
      );
    }
    if (channels > 0) {
      if (!options.force) {
        throw new ConflictError(
          `Organisation ${id} is referenced by ${channels} channel(s); delete with force=true to detach them`,
          { organisation_id: id, channels_count: channels },
        );
      }
      await refreshOrganisationChannels(tx, id, null, { detach: true, updatedAt: nowIso() });
    }
    await deleteOrganisation(tx, id);
    await recordChange(tx, change, {
      action: 'organisation.delete',
      entity_type: 'organisation',
      entity_id: id,
      region_code: existing.region_code,
      before: { ...auditable(existing), channels_detached: channels },
    });
  });
}
