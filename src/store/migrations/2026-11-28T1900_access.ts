import type { Kysely } from 'kysely';
import { makeAppendOnly, withIdColumn } from '../dialect.ts';

/** Migrations see no schema type: they must not depend on the schema as it evolves later. */
type AnyDb = Kysely<unknown>;

/**
 * Access and safety: people (users with a role and, for operators, regions), their browser sessions, API
 * tokens for machines, and the audit log of every change. Secrets are never stored: passwords as scrypt
 * hashes, session ids and API tokens as SHA-256 of the random secret the client holds. The audit log is
 * append-only at the database level.
 */
export async function up(db: AnyDb): Promise<void> {
  await withIdColumn(db, db.schema.createTable('users'))
    // Lower case; unique.
    .addColumn('login', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    // scrypt$N$r$p$salt$hash (parameters travel with the hash).
    .addColumn('password_hash', 'text', (c) => c.notNull())
    // 'admin' | 'operator' | 'analyst'
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_login_at', 'text')
    .execute();

  await db.schema
    .createTable('user_regions')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('region_code', 'text', (c) => c.notNull().references('regions.code').onDelete('cascade'))
    .addPrimaryKeyConstraint('user_regions_pk', ['user_id', 'region_code'])
    .execute();

  await db.schema
    .createTable('sessions')
    // SHA-256 (hex) of the session secret in the cookie; the secret itself is never stored.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    // Absolute end of the session; the idle limit is checked against last_seen_at.
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').columns(['user_id']).execute();
  await db.schema.createIndex('sessions_expires_idx').on('sessions').columns(['expires_at']).execute();

  await withIdColumn(db, db.schema.createTable('api_tokens'))
    .addColumn('name', 'text', (c) => c.notNull())
    // SHA-256 (hex) of the whole token `ohv_…`.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    // JSON array of region codes (operators only).
    .addColumn('regions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await withIdColumn(db, db.schema.createTable('audit_log'))
    .addColumn('at', 'text', (c) => c.notNull())
    // 'user' | 'token' | 'cli' | 'system'
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    // e.g. channel.update, import.channels, user.create, token.revoke, rating.publish, flag.review
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('region_code', 'text')
    // JSON: the fields before and after the change (only changed fields for updates).
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['at']).execute();
  await db.schema
    .createIndex('audit_log_entity_idx')
    .on('audit_log')
    .columns(['entity_type', 'entity_id'])
    .execute();
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor_name']).execute();
  await makeAppendOnly(db, 'audit_log');
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('audit_log').ifExists().execute();
  await db.schema.dropTable('api_tokens').ifExists().execute();
  await db.schema.dropTable('sessions').ifExists().execute();
  await db.schema.dropTable('user_regions').ifExists().execute();
  await db.schema.dropTable('users').ifExists().execute();
}
