import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { ValidationError } from '../shared/errors.ts';

/**
 * Paging of register lists. Two ways, both over the same sort: `page`/`per_page` (offset; simple, lets a
 * table jump to page N) and an opaque `cursor` (keyset on the sort value plus id; stable and fast however deep
 * the list goes). Every sort field supports the cursor: rows are ordered by (field, id) in the requested
 * direction with NULLs last in both directions on both dialects, and the cursor carries the last row's
 * (field value, id).
 */

export type SortOrder = 'asc' | 'desc';
export type SortValue = string | number | null;

/** The last row of a page: where the next page starts. */
export interface Keyset {
  value: SortValue;
  id: number;
}

export interface Sort<F extends string> {
  field: F;
  order: SortOrder;
}

/** `title` → ascending, `-title` → descending. */
export function parseSort<F extends string>(value: string, fields: readonly F[]): Sort<F> | undefined {
  const order: SortOrder = value.startsWith('-') ? 'desc' : 'asc';
  const name = value.replace(/^-/, '');
  const field = fields.find((f) => f === name);
  return field === undefined ? undefined : { field, order };
}

const cursorPayload = z
  .object({
    s: z.string(),
    o: z.enum(['asc', 'desc']),
    v: z.union([z.string(), z.number(), z.null()]),
    i: z.number().int(),
  })
  .strict();

export function encodeCursor(sort: Sort<string>, key: Keyset): string {
  return Buffer.from(JSON.stringify({ s: sort.field, o: sort.order, v: key.value, i: key.id })).toString(
    'base64url',
  );
}

function invalidCursor(message: string): ValidationError {
  return new ValidationError(message, [{ path: 'querystring/cursor', message }]);
}

export function decodeCursor<F extends string>(
  cursor: string,
  fields: readonly F[],
): { sort: Sort<F>; key: Keyset } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('Invalid cursor');
  }
  const result = cursorPayload.safeParse(parsed);
  if (!result.success) throw invalidCursor('Invalid cursor');
  const field = fields.find((f) => f === result.data.s);
  if (field === undefined) throw invalidCursor('Invalid cursor');
  return { sort: { field, order: result.data.o }, key: { value: result.data.v, id: result.data.i } };
}

export interface PageRequest<F extends string> {
  /** Omitted: the cursor's sort, else ascending id. */
  sort?: Sort<F>;
  perPage: number;
  /** 1-based page number (offset paging). */
  page?: number;
  /** Opaque cursor from a previous response's `next_cursor` (keyset paging). */
  cursor?: string;
}

/** What the repository is asked for: one row more than a page, to know whether another page follows. */
export interface PageWindow<F extends string> {
  sort: Sort<F>;
  limit: number;
  offset: number;
  after?: Keyset;
  /** null in cursor mode. */
  page: number | null;
}

export function pageWindow<F extends string>(
  request: PageRequest<F>,
  fields: readonly F[],
  idField: F,
): PageWindow<F> {
  if (request.cursor !== undefined && request.page !== undefined) {
    const message = 'Use either page or cursor, not both';
    throw new ValidationError(message, [{ path: 'querystring/cursor', message }]);
  }
  if (request.cursor !== undefined) {
    const decoded = decodeCursor(request.cursor, fields);
    const sort = request.sort ?? decoded.sort;
    if (sort.field !== decoded.sort.field || sort.order !== decoded.sort.order) {
      throw invalidCursor(
        `The cursor belongs to sort=${decoded.sort.order === 'desc' ? '-' : ''}${decoded.sort.field}; repeat that sort or start without a cursor`,
      );
    }
    return { sort, limit: request.perPage + 1, offset: 0, after: decoded.key, page: null };
  }
  const page = request.page ?? 1;
  return {
    sort: request.sort ?? { field: idField, order: 'asc' },
    limit: request.perPage + 1,
    offset: (page - 1) * request.perPage,
    page,
  };
}

/** Cuts the extra row off and builds `next_cursor` from the last row shown. */
export function pageOf<T extends { id: number }, F extends string>(
  rows: T[],
  window: PageWindow<F>,
  perPage: number,
  sortValueOf: (row: T, field: F) => SortValue,
): { items: T[]; next_cursor: string | null } {
  const items = rows.slice(0, perPage);
  const last = items[items.length - 1];
  const more = rows.length > perPage && last !== undefined;
  return {
    items,
    next_cursor: more
      ? encodeCursor(window.sort, { value: sortValueOf(last, window.sort.field), id: last.id })
      : null,
  };
}

/**
 * Rows after `key` in (column, id) order with NULLs last: the keyset condition. `column` and `idColumn` are
 * qualified column names (`channels.title`); values are bound parameters.
 */
export function keysetAfter(
  column: string,
  idColumn: string,
  order: SortOrder,
  key: Keyset,
): RawBuilder<SqlBool> {
  const col = sql.ref(column);
  const id = sql.ref(idColumn);
  const cmp = sql.raw(order === 'asc' ? '>' : '<');
  if (column === idColumn) return sql<SqlBool>`${id} ${cmp} ${key.id}`;
  if (key.value === null) return sql<SqlBool>`(${col} is null and ${id} ${cmp} ${key.id})`;
  return sql<SqlBool>`(${col} ${cmp} ${key.value} or (${col} = ${key.value} and ${id} ${cmp} ${key.id}) or ${col} is null)`;
}
