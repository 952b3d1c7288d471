import type { Kysely, Transaction } from 'kysely';
import { auditable, diffFields, recordChange } from '../access/audit.repository.ts';
import { assertAdmin, assertRegions, type ChangeContext } from '../access/principal.ts';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { isUniqueViolation, nowIso } from '../store/dialect.ts';
import type { ChannelUpdate, DB, Organisation } from '../store/schema.ts';
import {
  CHANNEL_SORT_FIELDS,
  type ChannelFilter,
  channelSearchText,
  countChannels,
  deleteChannelWithHistory,
  findChannel,
  findChannelByChatId,
  findChannelByNickname,
  findChannelWithNames,
  insertChannel,
  queryChannels,
  updateChannel,
} from './channel.repository.ts';
import {
  type ChannelCreateInput,
  type ChannelListQuery,
  type ChannelUpdateInput,
  type ChannelView,
  toChannelView,
} from './channel.schema.ts';
import { canonicalUrl, normaliseNickname } from './nickname.ts';
import { findOrganisation } from './organisation.repository.ts';
import { pageOf, pageWindow } from './paging.ts';
import { findRegion } from './region.repository.ts';

/**
 * Use cases of the channel register: list, get, create, update (PATCH), soft and hard delete. Inputs come
 * validated by the zod schemas (`channel.schema.ts`); this layer checks what needs the database (region and
 * organisation exist, platform+nickname and platform+chat_id are unique) and keeps derived columns (url,
 * search text, timestamps) right. Given a `ChangeContext`, an operator may only touch channels of their regions
 * (the region before and after a change); every change is written to the audit log in its transaction.
 */

type Db = Kysely<DB>;
type Tx = Transaction<DB>;

export interface ChannelPage {
  items: ChannelView[];
  total: number;
  page: number | null;
  per_page: number;
  next_cursor: string | null;
}

export interface ChannelConflict {
  field: 'nickname' | 'chat_id';
  value: string;
  existing_id: number;
  existing_status: string;
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(message, [{ path: `body/${field}`, message }]);
}

const NICKNAME_PROBLEMS = {
  empty: 'nickname is empty',
  host: 'the address is not on this platform',
  format: 'expected max.ru/name, https://max.ru/name, @name or name (latin letters, digits, _ . -)',
} as const;

/**
 * Bare nickname and URL from what was given: the URL defaults to the canonical page of the nickname; a
 * nickname not given at all (undefined, unlike an explicit null) is read from a channel URL.
 */
function resolveIdentity(
  platform: string,
  nickname: string | null | undefined,
  url: string | null,
): { nickname: string | null; url: string | null } {
  let nick: string | null = null;
  if (nickname !== null && nickname !== undefined) {
    const result = normaliseNickname(nickname, platform);
    if (!result.ok) throw invalid('nickname', `${NICKNAME_PROBLEMS[result.reason]} (platform ${platform})`);
    nick = result.nickname;
  } else if (nickname === undefined && url !== null) {
    const result = normaliseNickname(url, platform);
    if (result.ok) nick = result.nickname;
  }
  return { nickname: nick, url: url ?? (nick === null ? null : canonicalUrl(platform, nick)) };
}

async function organisationOf(db: Db | Tx, id: number | null): Promise<Organisation | null> {
  if (id === null) return null;
  const organisation = await findOrganisation(db, id);
  if (!organisation) throw invalid('organisation_id', `Organisation ${id} does not exist`);
  return organisation;
}

async function checkRegion(db: Db | Tx, code: string | null): Promise<void> {
  if (code !== null && !(await findRegion(db, code))) throw invalid('region_code', `Unknown region ${code}`);
}

/** 409 when another channel already has this platform+nickname or platform+chat_id. */
async function assertUnique(
  db: Db | Tx,
  identity: { platform: string; nickname: string | null; chat_id: string | null },
  selfId?: number,
): Promise<void> {
  const conflicts: ChannelConflict[] = [];
  if (identity.nickname !== null) {
    const other = await findChannelByNickname(db, identity.platform, identity.nickname);
    if (other && other.id !== selfId)
      conflicts.push({
        field: 'nickname',
        value: identity.nickname,
        existing_id: other.id,
        existing_status: other.status,
      });
  }
  if (identity.chat_id !== null) {
    const other = await findChannelByChatId(db, identity.platform, identity.chat_id);
    if (other && other.id !== selfId)
      conflicts.push({
        field: 'chat_id',
        value: identity.chat_id,
        existing_id: other.id,
        existing_status: other.status,
      });
  }
  if (conflicts.length > 0) {
    const what = conflicts.map((c) => `${c.field} ${c.value} (channel ${c.existing_id})`).join(', ');
    throw new ConflictError(`A ${identity.platform} channel with this ${what} already exists`, conflicts);
  }
}

/** Runs a write; a unique violation raced past the checks becomes the same 409 the checks give. */
async function writing<T>(
  db: Db,
  identity: { platform: string; nickname: string | null; chat_id: string | null },
  selfId: number | undefined,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction().execute(work);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await assertUnique(db, identity, selfId);
    throw new ConflictError('The channel conflicts with an existing one');
  }
}

async function viewOf(db: Db | Tx, id: number): Promise<ChannelView> {
  const row = await findChannelWithNames(db, id);
  if (!row) throw new NotFoundError(`Channel ${id} not found`, { id });
  return toChannelView(row);
}

export async function getChannel(db: Db, id: number): Promise<ChannelView> {
  return viewOf(db, id);
}

export async function listChannelPage(db: Db, query: ChannelListQuery): Promise<ChannelPage> {
  const filter: ChannelFilter = {
    region: query.region,
    category: query.category,
    platform: query.platform,
    status: query.status,
    organisationId: query.organisation_id,
    municipality: query.municipality,
    text: query.q,
  };
  const window = pageWindow(
    { sort: query.sort, perPage: query.per_page, page: query.page, cursor: query.cursor },
    CHANNEL_SORT_FIELDS,
    'id',
  );
  const [rows, total] = await Promise.all([
    queryChannels(db, {
      ...filter,
      sort: window.sort.field,
      order: window.sort.order,
      limit: window.limit,
      offset: window.offset,
      after: window.after,
    }),
    countChannels(db, filter),
  ]);
  const { items, next_cursor } = pageOf(rows, window, query.per_page, (row, field) => row[field]);
  return { items: items.map(toChannelView), total, page: window.page, per_page: query.per_page, next_cursor };
}

/**
 * Creates a channel. region_code, level and municipality default to the organisation's when omitted;
 * the URL defaults to the nickname's canonical page.
 */
export async function createChannel(
  db: Db,
  input: ChannelCreateInput,
  change?: ChangeContext,
): Promise<ChannelView> {
  const { nickname, url } = resolveIdentity(input.platform, input.nickname, input.url ?? null);
  const chatId = input.chat_id ?? null;
  if (nickname === null && chatId === null) {
    throw invalid('nickname', 'nickname or chat_id is required (the url is not a channel address)');
  }
  const identity = { platform: input.platform, nickname, chat_id: chatId };
  return writing(db, identity, undefined, async (tx) => {
    const organisation = await organisationOf(tx, input.organisation_id ?? null);
    const regionCode =
      input.region_code !== undefined ? input.region_code : (organisation?.region_code ?? null);
    await checkRegion(tx, regionCode);
    if (change) assertRegions(change.principal, [regionCode], 'Канал / channel');
    await assertUnique(tx, identity);
    const title = input.title ?? null;
    const municipality =
      input.municipality !== undefined ? input.municipality : (organisation?.municipality ?? null);
    const now = nowIso();
    const row = await insertChannel(tx, {
      platform: input.platform,
      nickname,
      chat_id: chatId,
      url,
      title,
      organisation_id: organisation?.id ?? null,
      category: input.category,
      level: input.level !== undefined ? input.level : (organisation?.level ?? null),
      region_code: regionCode,
      municipality,
      page_class: input.page_class ?? null,
      status: input.status,
      official_confirmed: input.official_confirmed ? 1 : 0,
      search_text: channelSearchText({ title, nickname, municipality }, organisation?.name),
      created_at: now,
      updated_at: now,
    });
    await recordChange(tx, change, {
      action: 'channel.create',
      entity_type: 'channel',
      entity_id: row.id,
      region_code: regionCode,
      after: auditable(row),
    });
    return viewOf(tx, row.id);
  });
}

/** PATCH: omitted fields stay, null clears; identity, references and derived columns are checked again. */
export async function patchChannel(
  db: Db,
  id: number,
  patch: ChannelUpdateInput,
  change?: ChangeContext,
): Promise<ChannelView> {
  const existing = await findChannel(db, id);
  if (!existing) throw new NotFoundError(`Channel ${id} not found`, { id });
  if (change) {
    const after = patch.region_code !== undefined ? patch.region_code : existing.region_code;
    assertRegions(change.principal, [existing.region_code, after], `Канал / channel ${id}`);
  }
  const platform = patch.platform ?? existing.platform;
  const identityChanged = patch.nickname !== undefined || platform !== existing.platform;
  let { nickname, url } = existing;
  if (identityChanged || patch.url !== undefined) {
    const derivedUrl =
      existing.nickname !== null && existing.url === canonicalUrl(existing.platform, existing.nickname);
    const resolved = resolveIdentity(
      platform,
      patch.nickname !== undefined ? patch.nickname : (existing.nickname ?? undefined),
      patch.url !== undefined ? patch.url : derivedUrl && identityChanged ? null : existing.url,
    );
    ({ nickname, url } = resolved);
  }
  const chatId = patch.chat_id !== undefined ? patch.chat_id : existing.chat_id;
  if (nickname === null && chatId === null) throw invalid('nickname', 'nickname or chat_id is required');
  const identity = { platform, nickname, chat_id: chatId };
  return writing(db, identity, id, async (tx) => {
    const organisationId =
      patch.organisation_id !== undefined ? patch.organisation_id : existing.organisation_id;
    const organisation = await organisationOf(tx, organisationId);
    if (patch.region_code !== undefined) await checkRegion(tx, patch.region_code);
    await assertUnique(tx, identity, id);
    const title = patch.title !== undefined ? patch.title : existing.title;
    const municipality = patch.municipality !== undefined ? patch.municipality : existing.municipality;
    const changes: ChannelUpdate = {
      platform,
      nickname,
      chat_id: chatId,
      url,
      title,
      organisation_id: organisationId,
      municipality,
      search_text: channelSearchText({ title, nickname, municipality }, organisation?.name),
      updated_at: nowIso(),
    };
    if (patch.category !== undefined) changes.category = patch.category;
    if (patch.level !== undefined) changes.level = patch.level;
    if (patch.region_code !== undefined) changes.region_code = patch.region_code;
    if (patch.page_class !== undefined) changes.page_class = patch.page_class;
    if (patch.status !== undefined) changes.status = patch.status;
    if (patch.official_confirmed !== undefined) changes.official_confirmed = patch.official_confirmed ? 1 : 0;
    const updated = await updateChannel(tx, id, changes);
    if (!updated) throw new NotFoundError(`Channel ${id} not found`, { id });
    const stored = await findChannel(tx, id);
    const diff = stored ? diffFields(auditable(existing), auditable(stored)) : null;
    if (diff) {
      await recordChange(tx, change, {
        action: 'channel.update',
        entity_type: 'channel',
        entity_id: id,
        region_code: stored?.region_code ?? null,
        ...diff,
      });
    }
    return viewOf(tx, id);
  });
}

/**
 * Soft delete (default): status becomes `removed`; the channel and its history (observations, posts) stay.
 * Hard delete: the row goes with its observations and posts; returns null.
 */
export async function removeChannel(
  db: Db,
  id: number,
  options: { hard?: boolean } = {},
  change?: ChangeContext,
): Promise<ChannelView | null> {
  const existing = await findChannel(db, id);
  if (!existing) throw new NotFoundError(`Channel ${id} not found`, { id });
  if (change) {
    // Deleting a channel with its history is for administrators; operators mark channels removed.
    if (options.hard) assertAdmin(change.principal, `Удаление канала ${id} с историей / hard delete`);
    assertRegions(change.principal, [existing.region_code], `Канал / channel ${id}`);
  }
  const entry = { entity_type: 'channel', entity_id: id, region_code: existing.region_code };
  if (options.hard) {
    await db.transaction().execute(async (tx) => {
      const deleted = await deleteChannelWithHistory(tx, id);
      if (!deleted) throw new NotFoundError(`Channel ${id} not found`, { id });
      await recordChange(tx, change, { ...entry, action: 'channel.delete', before: auditable(existing) });
    });
    return null;
  }
  return db.transaction().execute(async (tx) => {
    const updated = await updateChannel(tx, id, { status: 'removed', updated_at: nowIso() });
    if (!updated) throw new NotFoundError(`Channel ${id} not found`, { id });
    if (existing.status !== 'removed') {
      await recordChange(tx, change, {
        ...entry,
        action: 'channel.remove',
        before: { status: existing.status },
        after: { status: 'removed' },
      });
    }
    return viewOf(tx, id);
  });
}
