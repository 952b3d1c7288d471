import type { Kysely, Transaction } from 'kysely';
import { type AuditEntry, recordChanges } from '../../access/audit.repository.ts';
import type { ChangeContext } from '../../access/principal.ts';
import { compactCounters, nowIso } from '../../store/dialect.ts';
import type { DB, NewChannel } from '../../store/schema.ts';
import { listRegions } from '../region.repository.ts';
import { createdEntries, regionIssueText, regionOutside, updateEntry } from './channel-import.audit.ts';
import {
  COMPARED,
  channelValues,
  type Plan,
  type RunState,
  resolveOrganisations,
  rowIssue,
} from './channel-import.plan.ts';
import {
  channelsByKeys,
  insertChannels,
  organisationsByIds,
  updateChannels,
} from './channel-import.repository.ts';
import {
  type ChannelValidation,
  type ParsedChannelRow,
  validateChannelTable,
} from './channel-row.validator.ts';
import { countRejectedRows, type ImportIssue, type ImportSummary, sortIssues } from './import.issues.ts';
import { buildRegionLookup } from './region.lookup.ts';
import { readTabular, type Tabular } from './tabular.reader.ts';

/**
 * Imports a channel register file: validates every row first, then upserts all of them in one transaction —
 * or nothing at all when any row is rejected. Channels are matched by (platform, nickname) or (platform,
 * chat id); organisations by INN, else by name within the region, and created when missing. A dry run does
 * the same work and rolls it back, so its summary is exactly what the real import would do.
 * With `allowedRegions` (an operator's regions) a row whose channel is — before or after the change — in
 * another region is rejected, naming the row. A real import writes to the audit log in its transaction: one
 * `import.channels` entry with the summary, and one entry per created or changed channel and organisation
 * (the changed fields only).
 */

export interface ChannelImportOptions {
  dryRun?: boolean;
  /** XLSX: sheet to read. */
  sheet?: string;
  /** Called after each chunk with rows processed so far and the number of data rows. */
  onProgress?: (done: number, total: number) => void;
  /** Only channels of these regions (before and after the change) may be created or changed. */
  allowedRegions?: readonly string[];
  /** Who imports (audit log); the system when absent. */
  change?: ChangeContext;
}

export interface ChannelImportResult {
  file: string;
  summary: ImportSummary;
  errors: ImportIssue[];
  warnings: ImportIssue[];
  dryRun: boolean;
  /** True when the changes were committed. */
  written: boolean;
  /** Data rows read (hint row excluded). */
  total: number;
}

const CHUNK = 1000;
/** Channels created or changed by an import from which the counter tables are compacted (dialect.ts). */
const COMPACT_AFTER = 1000;
type Db = Kysely<DB> | Transaction<DB>;

export async function importChannelsFile(
  db: Kysely<DB>,
  buffer: Buffer,
  file: string,
  options: ChannelImportOptions = {},
): Promise<ChannelImportResult> {
  const table = await readTabular(buffer, file, options.sheet ? { sheet: options.sheet } : {});
  return importChannelTable(db, table, options);
}

class Rollback extends Error {}

export async function importChannelTable(
  db: Kysely<DB>,
  table: Tabular,
  options: ChannelImportOptions = {},
): Promise<ChannelImportResult> {
  const validation = validateChannelTable(table, buildRegionLookup(await listRegions(db)));
  const dryRun = options.dryRun ?? false;
  const errors = [...validation.errors];
  let counts = { created: 0, updated: 0, unchanged: 0 };
  let written = false;
  try {
    await db.transaction().execute(async (trx) => {
      const allowed = options.allowedRegions ? new Set(options.allowedRegions) : null;
      const applied = await applyRows(trx, validation, options.onProgress, allowed);
      counts = applied.counts;
      errors.push(...applied.errors);
      if (dryRun || errors.length > 0) throw new Rollback();
      const summary: AuditEntry = {
        action: 'import.channels',
        entity_type: 'import',
        entity_id: null,
        after: { file: table.file, total: validation.total, summary: { ...counts, rejected: 0 } },
      };
      await recordChanges(trx, options.change, [summary, ...applied.audit]);
    });
    written = true;
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  // A bulk change leaves the triggers' counter tables full of dead row versions on PostgreSQL. The import is
  // committed by now: compacting is an optimisation, and its failure must not report the import as failed.
  if (written && counts.created + counts.updated >= COMPACT_AFTER)
    await compactCounters(db).catch(() => false);
  return {
    file: table.file,
    summary: { ...counts, rejected: countRejectedRows(errors) },
    errors: sortIssues(errors),
    warnings: validation.warnings,
    dryRun,
    written,
    total: validation.total,
  };
}

async function applyRows(
  trx: Transaction<DB>,
  validation: ChannelValidation,
  onProgress: ChannelImportOptions['onProgress'],
  allowed: ReadonlySet<string> | null,
): Promise<{ counts: RunState['counts']; errors: ImportIssue[]; audit: AuditEntry[] }> {
  const state: RunState = {
    organisations: new Map(),
    claimed: new Map(),
    errors: [],
    counts: { created: 0, updated: 0, unchanged: 0 },
    allowed,
    audit: [],
  };
  const rejectedUpfront = validation.total - validation.rows.length;
  onProgress?.(rejectedUpfront, validation.total);
  for (let i = 0; i < validation.rows.length; i += CHUNK) {
    const chunk = validation.rows.slice(i, i + CHUNK);
    await applyChunk(trx, validation, chunk, state);
    onProgress?.(rejectedUpfront + i + chunk.length, validation.total);
  }
  return { counts: state.counts, errors: state.errors, audit: state.audit };
}

async function applyChunk(
  trx: Db,
  validation: ChannelValidation,
  chunk: ParsedChannelRow[],
  state: RunState,
) {
  const existing = await channelsByKeys(
    trx,
    chunk.flatMap((r) => (r.nickname ? [r.nickname] : [])),
    chunk.flatMap((r) => (r.chat_id ? [r.chat_id] : [])),
  );
  const byNick = new Map(existing.filter((c) => c.nickname).map((c) => [`${c.platform}|${c.nickname}`, c]));
  const byChat = new Map(existing.filter((c) => c.chat_id).map((c) => [`${c.platform}|${c.chat_id}`, c]));

  const plans: Plan[] = [];
  for (const row of chunk) {
    const a = row.nickname ? byNick.get(`${row.platform}|${row.nickname}`) : undefined;
    const b = row.chat_id ? byChat.get(`${row.platform}|${row.chat_id}`) : undefined;
    if (a && b && a.id !== b.id) {
      state.errors.push(
        rowIssue(
          validation,
          row.row,
          'chat_id',
          row.chat_id,
          'identity_conflict',
          `никнейм «${row.nickname}» принадлежит каналу №${a.id}, а ID чата «${row.chat_id}» — другому каналу №${b.id}`,
          `nickname "${row.nickname}" belongs to channel #${a.id} but chat ID "${row.chat_id}" to another channel #${b.id}`,
        ),
      );
      continue;
    }
    const target = a ?? b;
    if (target) {
      const first = state.claimed.get(target.id);
      if (first !== undefined) {
        state.errors.push(
          rowIssue(
            validation,
            row.row,
            null,
            null,
            'duplicate_channel',
            `строки ${first} и ${row.row} относятся к одному каналу №${target.id} (совпали никнейм и ID чата)`,
            `rows ${first} and ${row.row} refer to the same channel #${target.id} (by nickname and chat ID)`,
          ),
        );
        continue;
      }
      state.claimed.set(target.id, row.row);
    }
    const category = row.category ?? target?.category;
    if (category === undefined) {
      state.errors.push(
        rowIssue(
          validation,
          row.row,
          'category',
          '',
          'missing_category',
          'для нового канала нужна категория',
          'a new channel needs a category',
        ),
      );
      continue;
    }
    plans.push({ row, target, category });
  }

  await resolveOrganisations(trx, validation, plans, state);

  const keptOrgIds = plans.flatMap((p) =>
    p.organisationId === undefined && p.target?.organisation_id ? [p.target.organisation_id] : [],
  );
  const keptOrgs = await organisationsByIds(trx, keptOrgIds);
  const now = nowIso();
  const inserts: { values: NewChannel; row: number }[] = [];
  const updates: (NewChannel & { id: number })[] = [];
  for (const plan of plans) {
    if (plan.organisationId === undefined && plan.target?.organisation_id) {
      plan.organisationName = keptOrgs.get(plan.target.organisation_id)?.name ?? null;
    }
    const values = channelValues(plan);
    const changed = !plan.target || COMPARED.some((k) => (values[k] ?? null) !== (plan.target![k] ?? null));
    const outside =
      changed && state.allowed
        ? regionOutside(state.allowed, plan.target, values.region_code ?? null)
        : undefined;
    if (outside !== undefined) {
      const text = regionIssueText(outside, state.allowed!);
      state.errors.push(
        rowIssue(validation, plan.row.row, 'region', outside, 'region_forbidden', text.ru, text.en),
      );
    } else if (!plan.target) {
      inserts.push({ values: { ...values, created_at: now, updated_at: now }, row: plan.row.row });
      state.counts.created++;
    } else if (changed) {
      updates.push({ ...values, id: plan.target.id, created_at: plan.target.created_at, updated_at: now });
      const entry = updateEntry(plan.target, values, plan.row.row);
      if (entry) state.audit.push(entry);
      state.counts.updated++;
    } else {
      state.counts.unchanged++;
    }
  }
  // Updates first: a nickname or chat id freed by an update may be taken by a new channel of the same file.
  await updateChannels(trx, updates);
  const created = await insertChannels(
    trx,
    inserts.map((i) => i.values),
  );
  state.audit.push(...createdEntries(inserts, created));
}
