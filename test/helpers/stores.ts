import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe } from 'vitest';
import { testEnv } from '../../src/config/config.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrator.ts';

/**
 * Shared storage harness: a suite written once runs on SQLite always and on PostgreSQL when
 * OHVAT_TEST_PG_URL is set (each test in a fresh schema, dropped afterwards). Under CI the PostgreSQL
 * URL is required, so PostgreSQL tests can never be skipped silently.
 */

export const PG_URL = testEnv('OHVAT_TEST_PG_URL');
if (testEnv('CI') === 'true' && !PG_URL) {
  throw new Error('CI=true but OHVAT_TEST_PG_URL is not set: PostgreSQL tests would be skipped');
}

export type DialectCase = { name: 'sqlite' | 'postgres'; open: () => Promise<TestStore> };

export interface TestStore extends Store {
  /** Drops what the test created (PostgreSQL schema); closes the store. */
  dispose(): Promise<void>;
}

export async function openSqliteTestStore(path = ':memory:'): Promise<TestStore> {
  const store = openStore(path === ':memory:' ? ':memory:' : `sqlite:${path}`);
  await migrateToLatest(store.db);
  return { ...store, dispose: () => store.close() };
}

export async function openPostgresTestStore(url = PG_URL): Promise<TestStore> {
  if (!url) throw new Error('OHVAT_TEST_PG_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const store = openStore(url, { schema, poolSize: 4 });
  const dispose = async () => {
    await store.close();
    const cleanup = new pg.Client({ connectionString: url });
    await cleanup.connect();
    await cleanup.query(`drop schema if exists ${schema} cascade`);
    await cleanup.end();
  };
  try {
    await migrateToLatest(store.db);
  } catch (error) {
    await dispose();
    throw error;
  }
  return { ...store, dispose };
}

export const DIALECTS: DialectCase[] = [
  { name: 'sqlite', open: () => openSqliteTestStore() },
  ...(PG_URL ? [{ name: 'postgres' as const, open: () => openPostgresTestStore() }] : []),
];

/** `describe` once per dialect; `store()` gives the test's own freshly migrated store. */
export function describeEachDialect(
  title: string,
  body: (store: () => TestStore, dialect: DialectCase['name']) => void,
): void {
  for (const dialect of DIALECTS) {
    describe(`${title} [${dialect.name}]`, () => {
      let current: TestStore | undefined;
      beforeEach(async () => {
        current = await dialect.open();
      });
      afterEach(async () => {
        await current?.dispose();
        current = undefined;
      });
      body(() => {
        if (!current) throw new Error('store not open');
        return current;
      }, dialect.name);
    });
  }
}
