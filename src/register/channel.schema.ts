import { z } from 'zod';
import {
  type Category,
  type ChannelStatus,
  categoryCodes,
  channelStatusCodes,
  type Level,
  levelCodes,
  type PageClass,
  type Platform,
  pageClassCodes,
  platformCodes,
} from './categories.ts';
import { CHANNEL_SORT_FIELDS, type ChannelSortField, type ChannelWithNames } from './channel.repository.ts';
import { listParam, optionalText, pagingParams, regionCodeInput, sortParam } from './common.schema.ts';
import { normaliseNickname } from './nickname.ts';

/**
 * Zod schemas of the channel resource: the one source of request validation, TypeScript types and the
 * OpenAPI document. Inputs are strict (unknown fields are rejected).
 */

/** Accepted when it is a valid address for at least one platform; the service normalises for the channel's own. */
const nicknameInput = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .refine((v) => platformCodes.some((p) => normaliseNickname(v, p).ok), {
    message: 'expected a nickname or channel address: max.ru/name, https://max.ru/name, @name or name',
  })
  .describe(
    'Nickname or address: max.ru/name, https://max.ru/name, @name or name; stored as the bare nickname',
  )
  .nullable()
  .optional();

const fields = {
  platform: z.enum(platformCodes),
  nickname: nicknameInput,
  chat_id: z
    .string()
    .trim()
    .regex(/^-?\d{1,20}$/, 'expected a chat id: digits with an optional leading minus')
    .describe('Numeric chat id as a string (may be negative)')
    .nullable()
    .optional(),
  url: z
    .url({ protocol: /^https?$/ })
    .max(1000)
    .describe('Public page; computed from the nickname when omitted')
    .nullable()
    .optional(),
  title: optionalText(500),
  organisation_id: z.number().int().positive().max(2_147_483_647).nullable().optional(),
  category: z.enum(categoryCodes),
  level: z.enum(levelCodes).nullable().optional(),
  region_code: regionCodeInput,
  municipality: optionalText(300),
  page_class: z.enum(pageClassCodes).nullable().optional(),
  status: z.enum(channelStatusCodes),
  official_confirmed: z.boolean(),
};

export const channelCreateSchema = z
  .object({
    ...fields,
    platform: fields.platform.default('max'),
    status: fields.status.default('active'),
    official_confirmed: fields.official_confirmed.default(false),
  })
  .strict()
  .refine((c) => Boolean(c.nickname || c.chat_id || c.url), {
    message: 'nickname, chat_id or url is required',
    path: ['nickname'],
  })
  .describe(
    'A new channel. region_code, level and municipality are taken from the organisation when omitted.',
  );

export const channelUpdateSchema = z
  .object({
    platform: fields.platform.optional(),
    nickname: fields.nickname,
    chat_id: fields.chat_id,
    url: fields.url,
    title: fields.title,
    organisation_id: fields.organisation_id,
    category: fields.category.optional(),
    level: fields.level,
    region_code: fields.region_code,
    municipality: fields.municipality,
    page_class: fields.page_class,
    status: fields.status.optional(),
    official_confirmed: fields.official_confirmed.optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, { message: 'no fields to update' })
  .describe('Fields to change (PATCH): omitted fields stay as they are, null clears a field.');

export type ChannelCreateInput = z.output<typeof channelCreateSchema>;
export type ChannelUpdateInput = z.output<typeof channelUpdateSchema>;

export const channelSchema = z.object({
  id: z.number().int(),
  platform: z.enum(platformCodes),
  nickname: z.string().nullable(),
  chat_id: z.string().nullable(),
  url: z.string().nullable(),
  title: z.string().nullable(),
  organisation_id: z.number().int().nullable(),
  organisation_name: z.string().nullable(),
  category: z.enum(categoryCodes),
  level: z.enum(levelCodes).nullable(),
  region_code: z.string().nullable(),
  region_name_ru: z.string().nullable(),
  municipality: z.string().nullable(),
  page_class: z.enum(pageClassCodes).nullable(),
  status: z.enum(channelStatusCodes),
  official_confirmed: z.boolean(),
  created_at: z.string().describe('ISO-8601 UTC'),
  updated_at: z.string().describe('ISO-8601 UTC'),
});

export type ChannelView = z.output<typeof channelSchema>;

/** Stored row → API view (flags as booleans, internal search text dropped). */
export function toChannelView(row: ChannelWithNames): ChannelView {
  return {
    id: row.id,
    platform: row.platform as Platform,
    nickname: row.nickname,
    chat_id: row.chat_id,
    url: row.url,
    title: row.title,
    organisation_id: row.organisation_id,
    organisation_name: row.organisation_name,
    category: row.category as Category,
    level: row.level as Level | null,
    region_code: row.region_code,
    region_name_ru: row.region_name_ru,
    municipality: row.municipality,
    page_class: row.page_class as PageClass | null,
    status: row.status as ChannelStatus,
    official_confirmed: row.official_confirmed === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export const channelListQuerySchema = z
  .object({
    region: listParam(z.string().trim().toUpperCase()).describe(
      'Region codes, repeated or comma-separated (RU-MOW,RU-SPE)',
    ),
    category: listParam(z.enum(categoryCodes)).describe(
      `Category codes, repeated or comma-separated: ${categoryCodes.join(', ')}`,
    ),
    platform: listParam(z.enum(platformCodes)).describe(
      `Platform codes, repeated or comma-separated: ${platformCodes.join(', ')}`,
    ),
    status: listParam(z.enum(channelStatusCodes)).describe(
      `Status codes, repeated or comma-separated: ${channelStatusCodes.join(', ')}`,
    ),
    organisation_id: z.coerce.number().int().positive().max(2_147_483_647).optional(),
    municipality: z.string().trim().min(1).max(300).optional().describe('Exact municipality name'),
    q: z
      .string()
      .trim()
      .max(200)
      .optional()
      .describe('Text in title, nickname, municipality or organisation name; any case, ё = е'),
    sort: sortParam<ChannelSortField>(CHANNEL_SORT_FIELDS),
    ...pagingParams,
  })
  .strict();

export type ChannelListQuery = z.output<typeof channelListQuerySchema>;
