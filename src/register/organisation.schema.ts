import { z } from 'zod';
import { type Category, categoryCodes, type Level, levelCodes } from './categories.ts';
import { listParam, optionalText, pagingParams, regionCodeInput, sortParam } from './common.schema.ts';
import {
  ORGANISATION_SORT_FIELDS,
  type OrganisationSortField,
  type OrganisationWithNames,
} from './organisation.repository.ts';

/** Zod schemas of the organisation resource (bodies strict: unknown fields are rejected). */

const fields = {
  name: z.string().trim().min(1).max(1000),
  category: z.enum(categoryCodes),
  level: z.enum(levelCodes),
  region_code: regionCodeInput,
  municipality: optionalText(300),
  inn: z
    .string()
    .trim()
    .regex(/^(\d{10}|\d{12})$/, 'expected an INN: 10 or 12 digits')
    .describe('ИНН: 10 digits (legal entity) or 12 (individual)')
    .nullable()
    .optional(),
  ogrn: z
    .string()
    .trim()
    .regex(/^(\d{13}|\d{15})$/, 'expected an OGRN: 13 or 15 digits')
    .describe('ОГРН: 13 digits, or 15 (ОГРНИП)')
    .nullable()
    .optional(),
};

export const organisationCreateSchema = z.object(fields).strict().describe('A new organisation');

export const organisationUpdateSchema = z
  .object({
    ...fields,
    name: fields.name.optional(),
    category: fields.category.optional(),
    level: fields.level.optional(),
  })
  .strict()
  .refine((o) => Object.keys(o).length > 0, { message: 'no fields to update' })
  .describe('Fields to change (PATCH): omitted fields stay as they are, null clears a field.');

export type OrganisationCreateInput = z.output<typeof organisationCreateSchema>;
export type OrganisationUpdateInput = z.output<typeof organisationUpdateSchema>;

export const organisationSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  category: z.enum(categoryCodes),
  level: z.enum(levelCodes),
  region_code: z.string().nullable(),
  region_name_ru: z.string().nullable(),
  municipality: z.string().nullable(),
  inn: z.string().nullable(),
  ogrn: z.string().nullable(),
  channels_count: z.number().int().describe('Channels that reference this organisation'),
  created_at: z.string().describe('ISO-8601 UTC'),
  updated_at: z.string().describe('ISO-8601 UTC'),
});

export type OrganisationView = z.output<typeof organisationSchema>;

export function toOrganisationView(row: OrganisationWithNames): OrganisationView {
  return {
    id: row.id,
    name: row.name,
    category: row.category as Category,
    level: row.level as Level,
    region_code: row.region_code,
    region_name_ru: row.region_name_ru,
    municipality: row.municipality,
    inn: row.inn,
    ogrn: row.ogrn,
    channels_count: row.channels_count,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export const organisationListQuerySchema = z
  .object({
    region: listParam(z.string().trim().toUpperCase()).describe('Region codes, repeated or comma-separated'),
    category: listParam(z.enum(categoryCodes)).describe(
      `Category codes, repeated or comma-separated: ${categoryCodes.join(', ')}`,
    ),
    level: listParam(z.enum(levelCodes)).describe(
      `Level codes, repeated or comma-separated: ${levelCodes.join(', ')}`,
    ),
    municipality: z.string().trim().min(1).max(300).optional().describe('Exact municipality name'),
    q: z.string().trim().max(200).optional().describe('Text in name, municipality, INN or OGRN; any case'),
    sort: sortParam<OrganisationSortField>(ORGANISATION_SORT_FIELDS),
    ...pagingParams,
  })
  .strict();

export type OrganisationListQuery = z.output<typeof organisationListQuerySchema>;
