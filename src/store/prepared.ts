import { createHash } from 'node:crypto';
import type { Compilable, Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

/**
 * Named prepared statements for the hot reads of a fixed shape (a rating's aggregates, the anomaly flags it
 * looks up). On PostgreSQL a query sent as text is parsed and planned at every run: for the 89 rows a
 * `dialog-2025` rating reads that is 0.6 ms of 1.9 (25,000 channels). A marked statement is sent under a
 * name derived from its text, so each pooled connection parses it once and PostgreSQL plans it as it does any
 * prepared statement (custom plans first, a generic one when it costs no more). SQLite keeps every statement
 * prepared anyway (database.ts), so the mark changes nothing there.
 *
 * Mark only statements whose text does not vary with the data (no `in (…)` lists of varying length): every
 * marked text becomes a statement on every connection for its lifetime. At most MAX_TEXTS texts are kept;
 * beyond that a statement runs as plain text. Connection poolers in transaction mode must support named
 * statements (PgBouncer ≥ 1.21 with `max_prepared_statements`), or the setting `pgPreparedStatements` is off.
 */

const MAX_TEXTS = 200;
const names = new Map<string, string>();

/** The statement name of a marked text, undefined when the text is not marked. */
export function preparedStatementName(text: string): string | undefined {
  return names.get(text);
}

/** Runs a fixed-shape query as a named prepared statement (PostgreSQL); returns its rows. */
export async function executePrepared<O>(
  db: Kysely<DB> | Transaction<DB>,
  query: Compilable<O>,
): Promise<O[]> {
  const compiled = query.compile();
  if (!names.has(compiled.sql) && names.size < MAX_TEXTS) {
    names.set(compiled.sql, `ohvat_${createHash('sha1').update(compiled.sql).digest('hex').slice(0, 32)}`);
  }
  return (await db.executeQuery(compiled)).rows;
}
