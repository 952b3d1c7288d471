import { type Compilable, CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { chunkForInsert, dialectOf } from './dialect.ts';
import type { DB } from './schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Multi-row INSERTs that run thousands of times (observations, daily rows, region deltas) compiled once per
 * statement and row count, then run with new parameters: Kysely builds and compiles a query on every call,
 * which for a batch of a few hundred rows costs more than SQLite takes to execute it (and SQLite's handle
 * keeps the prepared statement, store/database.ts). The query is still written once, with Kysely, by `build`.
 *
 * The compiled text is reused only when its parameters are exactly the rows' values, column by column and row
 * by row (checked when it is compiled): a statement with parameters of its own, or rows with differing
 * columns, is compiled on every call as usual.
 */
const compiled = new Map<string, string | null>();
const MAX_CACHED = 1000;

export async function insertRows<R extends object, O>(
  db: Db,
  key: string,
  rows: readonly R[],
  build: (chunk: R[]) => Compilable<O>,
): Promise<O[]> {
  const out: O[] = [];
  for (const chunk of chunkForInsert(db, [...rows])) {
    const columns = Object.keys(chunk[0]!) as (keyof R)[];
    const parameters: unknown[] = [];
    for (const row of chunk) for (const c of columns) parameters.push(row[c]);
    const cacheKey = `${dialectOf(db)}|${key}|${columns.join(',')}|${chunk.length}`;
    let text = compiled.get(cacheKey);
    if (text === undefined) {
      const query = build(chunk).compile();
      const same =
        query.parameters.length === parameters.length &&
        query.parameters.every((p, i) => p === parameters[i]);
      text = same ? query.sql : null;
      if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
      compiled.set(cacheKey, text);
    }
    const result =
      text === null
        ? await db.executeQuery(build(chunk).compile())
        : await db.executeQuery<O>(CompiledQuery.raw(text, parameters));
    for (const row of result.rows) out.push(row as O);
  }
  return out;
}
