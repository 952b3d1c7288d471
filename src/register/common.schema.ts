import { z } from 'zod';
import { parseSort } from './paging.ts';

/** Schema pieces shared by the register resources (channels, organisations): texts, list params, paging. */

/** Optional free text: trimmed; an empty string means "no value" (null). */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional();

export const regionCodeInput = z
  .string()
  .trim()
  .min(2)
  .max(10)
  .toUpperCase()
  .describe('Region code, e.g. RU-MOW (see GET /api/regions)')
  .nullable()
  .optional();

/** A query list parameter given repeatedly (`?region=a&region=b`), comma-separated (`?region=a,b`) or both. */
export function listParam<T extends z.ZodType<string, string>>(item: T) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    )
    .pipe(z.array(item))
    .optional();
}

/** `?sort=field` ascending, `?sort=-field` descending. */
export function sortParam<F extends string>(sortFields: readonly F[]) {
  const values = sortFields.flatMap((f) => [f, `-${f}`]) as [string, ...string[]];
  return z
    .enum(values)
    .transform((v) => parseSort(v, sortFields) ?? { field: sortFields[0]!, order: 'asc' as const })
    .describe('Sort field; "-" prefix for descending. Default id.')
    .optional();
}

export const pagingParams = {
  page: z.coerce.number().int().min(1).max(10_000_000).optional().describe('1-based page (offset paging)'),
  per_page: z.coerce.number().int().min(1).max(500).default(50).describe('Rows per page, 1–500 (default 50)'),
  cursor: z
    .string()
    .max(2000)
    .optional()
    .describe(
      'Keyset paging: next_cursor of the previous response, with the same filters and sort (any sort field). Not combined with page.',
    ),
};

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().describe('Rows matching the filters (all pages)'),
    page: z.number().int().nullable().describe('Page number; null in cursor mode'),
    per_page: z.number().int(),
    next_cursor: z.string().nullable().describe('Cursor of the next page; null on the last page'),
  });
}
