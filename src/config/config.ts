import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads `process.env` is `loadConfigFromProcess` below: everything else receives a
 * validated `Config`. Sources, lowest priority first: defaults, `ohvat.config.json` (or the file named by
 * `OHVAT_CONFIG`), environment variables.
 */

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const positiveNumber = z.coerce.number().positive();
const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v)),
]);

const databaseUrl = z
  .string()
  .min(1)
  .refine((v) => /^(postgres|postgresql):\/\//.test(v) || v.startsWith('sqlite:') || v === ':memory:', {
    message: 'expected postgres://…, sqlite:PATH or :memory:',
  });

export const configSchema = z
  .object({
    databaseUrl: databaseUrl.default('sqlite:./data/ohvat.db'),
    /**
     * SQLite only: the page cache of the database connection, in MiB (taken as pages are read, up to this).
     * A region page reads a few thousand channels' scattered rows; 64 MiB holds them at 250,000 channels.
     */
    sqliteCacheMB: z.coerce.number().int().min(2).max(4096).default(64),
    /**
     * PostgreSQL only: run the hot fixed-shape reads as named prepared statements (parsed once per
     * connection). Off behind a pooler in transaction mode that cannot keep them (PgBouncer before 1.21).
     */
    pgPreparedStatements: bool.default(true),
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(8080),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Public base URL of this installation (used in links and cookies). */
    publicUrl: z.string().url().optional(),
    max: z
      .object({
        apiUrl: z.string().url().default('https://platform-api2.max.ru'),
        publicPageUrl: z.string().url().default('https://max.ru'),
        /** Bot tokens; several allowed, each gets its own rate budget. */
        tokens: z.array(z.string().min(10)).default([]),
        requestsPerSecond: positiveNumber.default(30),
        pageRequestsPerSecond: positiveNumber.default(1),
        timeoutMs: positiveInt.default(10_000),
        retries: z.coerce.number().int().min(0).max(10).default(4),
        /** Secret MAX sends in `X-Max-Bot-Api-Secret` with webhook deliveries (POST /api/max/webhook). */
        webhookSecret: z.string().min(8).optional(),
      })
      .default({
        apiUrl: 'https://platform-api2.max.ru',
        publicPageUrl: 'https://max.ru',
        tokens: [],
        requestsPerSecond: 30,
        pageRequestsPerSecond: 1,
        timeoutMs: 10_000,
        retries: 4,
      }),
    /** Prefix of every Redis key (queues, rate limits): several installations can share one Redis. */
    redisPrefix: z
      .string()
      .regex(/^[a-z0-9_-]{1,40}$/i, 'letters, digits, - and _ only')
      .default('ohvat'),
    redisUrl: z
      .string()
      .regex(/^rediss?:\/\//, 'expected redis://… or rediss://…')
      .optional(),
    /** Run the collection scheduler inside `ohvat serve` (embedded mode). */
    collectInProcess: bool.default(true),
    demo: bool.default(false),
    /**
     * What anonymous visitors may see: 'ratings' — published ratings, methodologies, overview and regions;
     * 'read' — everything a signed-in analyst reads; 'none' — nothing but the sign-in. Default: 'ratings'
     * ('read' in demo mode).
     */
    publicAccess: z.enum(['ratings', 'read', 'none']).optional(),
    /** Behind a reverse proxy: take the client address and https from X-Forwarded-For / X-Forwarded-Proto. */
    trustProxy: bool.default(false),
    session: z
      .object({
        /** A session unused this long ends. */
        idleHours: positiveNumber.default(12),
        /** A session ends this long after sign-in whatever its use. */
        maxDays: positiveNumber.default(7),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        /** Largest JSON request body, bytes. */
        jsonBodyBytes: positiveInt.default(1024 * 1024),
        /** Largest uploaded import file, bytes. */
        uploadBytes: positiveInt.default(20 * 1024 * 1024),
        /** API requests per second per client address and per API token (token bucket refill). */
        requestsPerSecond: positiveNumber.default(20),
        /** Bucket size: requests allowed in a burst. */
        burst: positiveInt.default(50),
        /** Failed sign-ins per minute per address and per login before 429. */
        loginAttemptsPerMinute: positiveInt.default(5),
      })
      .strict()
      .prefault({}),
    /** First administrator, created on start when there is no user yet. */
    admin: z
      .object({
        login: z.string().trim().min(1).max(100).optional(),
        password: z.string().min(8, 'at least 8 characters').max(200).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.admin.login === undefined) !== (c.admin.password === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['admin'],
        message: 'OHVAT_ADMIN_LOGIN and OHVAT_ADMIN_PASSWORD go together',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Environment variable → config path. Documented in the README table. */
export const ENV_VARS = {
  OHVAT_DATABASE_URL: 'databaseUrl',
  OHVAT_SQLITE_CACHE_MB: 'sqliteCacheMB',
  OHVAT_PG_PREPARED_STATEMENTS: 'pgPreparedStatements',
  OHVAT_HOST: 'host',
  OHVAT_PORT: 'port',
  OHVAT_LOG_LEVEL: 'logLevel',
  OHVAT_PUBLIC_URL: 'publicUrl',
  OHVAT_MAX_API_URL: 'max.apiUrl',
  OHVAT_MAX_PUBLIC_URL: 'max.publicPageUrl',
  OHVAT_MAX_TOKEN: 'max.tokens',
  OHVAT_MAX_RATE: 'max.requestsPerSecond',
  OHVAT_MAX_PAGE_RATE: 'max.pageRequestsPerSecond',
  OHVAT_MAX_TIMEOUT_MS: 'max.timeoutMs',
  OHVAT_MAX_RETRIES: 'max.retries',
  OHVAT_MAX_WEBHOOK_SECRET: 'max.webhookSecret',
  OHVAT_REDIS_URL: 'redisUrl',
  OHVAT_REDIS_PREFIX: 'redisPrefix',
  OHVAT_COLLECT_IN_PROCESS: 'collectInProcess',
  OHVAT_DEMO: 'demo',
  OHVAT_PUBLIC_ACCESS: 'publicAccess',
  OHVAT_TRUST_PROXY: 'trustProxy',
  OHVAT_SESSION_IDLE_HOURS: 'session.idleHours',
  OHVAT_SESSION_MAX_DAYS: 'session.maxDays',
  OHVAT_BODY_LIMIT: 'limits.jsonBodyBytes',
  OHVAT_UPLOAD_LIMIT: 'limits.uploadBytes',
  OHVAT_RATE_LIMIT: 'limits.requestsPerSecond',
  OHVAT_RATE_BURST: 'limits.burst',
  OHVAT_LOGIN_LIMIT: 'limits.loginAttemptsPerMinute',
  OHVAT_ADMIN_LOGIN: 'admin.login',
  OHVAT_ADMIN_PASSWORD: 'admin.password',
} as const;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function setPath(target: JsonObject, path: string, value: Json): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) {
      node[part] = {};
    }
    node = node[part] as JsonObject;
  }
  node[parts[parts.length - 1]!] = value;
}

function getPath(source: JsonObject, path: string): Json | undefined {
  let node: Json | undefined = source;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = node[part];
  }
  return node;
}

/** Builds and validates a config from plain sources. Every problem is listed, none is thrown alone. */
export function parseConfig(
  env: Record<string, string | undefined>,
  file: JsonObject = {},
  fileName?: string,
): Config {
  const problems: string[] = [];
  const input: JsonObject = structuredClone(file);
  for (const [name, path] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (path === 'max.tokens') {
      setPath(
        input,
        path,
        raw
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      );
    } else {
      setPath(input, path, raw);
    }
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith('OHVAT_') && !(name in ENV_VARS) && !IGNORED_ENV.has(name)) {
      problems.push(`${name}: unknown variable (known: ${Object.keys(ENV_VARS).join(', ')})`);
    }
  }
  const result = configSchema.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.join('.');
      const envName = Object.entries(ENV_VARS).find(([, p]) => p === path || path.startsWith(`${p}.`))?.[0];
      const fromEnv = envName !== undefined && env[envName] !== undefined && env[envName] !== '';
      const where = fromEnv ? envName : fileName ? `${fileName}: ${path || '(root)'}` : path || '(root)';
      problems.push(`${where}: ${issue.message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = result.data!;
  if (getPath(input, 'databaseUrl') === undefined && config.databaseUrl.startsWith('sqlite:')) {
    config.databaseUrl = `sqlite:${resolve(config.databaseUrl.slice('sqlite:'.length))}`;
  }
  return config;
}

/** Variables read by tests and tooling, not by the product. */
const IGNORED_ENV = new Set([
  'OHVAT_TEST_PG_URL',
  'OHVAT_TEST_REDIS_URL',
  'OHVAT_CONFIG',
  'OHVAT_BENCH_SCALE',
  'OHVAT_BENCH_SECONDS',
  'OHVAT_TEST_MAX_CHAT_ID',
  'OHVAT_TEST_MAX_NONADMIN_CHAT_ID',
  'OHVAT_TEST_MAX_MISSING_CHAT_ID',
]);

/** The only reader of `process.env` in the product. */
export function loadConfigFromProcess(overrides: Record<string, string> = {}): Config {
  const env = { ...process.env, ...overrides };
  const explicit = env.OHVAT_CONFIG;
  const fileName = explicit ?? 'ohvat.config.json';
  let file: JsonObject = {};
  if (existsSync(fileName)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(fileName, 'utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new ConfigError([`${fileName}: expected a JSON object`]);
      }
      file = parsed as JsonObject;
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError([`${fileName}: not valid JSON (${(error as Error).message})`]);
    }
  } else if (explicit !== undefined) {
    throw new ConfigError([`OHVAT_CONFIG: file ${explicit} does not exist`]);
  }
  return parseConfig(env, file, fileName);
}

/** Test helpers and tools (benchmarks) read their own variables through here, not the product config. */
export function testEnv(
  name:
    | 'OHVAT_TEST_PG_URL'
    | 'OHVAT_TEST_REDIS_URL'
    | 'OHVAT_BENCH_SCALE'
    | 'OHVAT_BENCH_SECONDS'
    | 'CI'
    // The MAX contract suite runs against the real Bot API only when these are set.
    | 'OHVAT_MAX_TOKEN'
    | 'OHVAT_MAX_API_URL'
    | 'OHVAT_TEST_MAX_CHAT_ID'
    | 'OHVAT_TEST_MAX_NONADMIN_CHAT_ID'
    | 'OHVAT_TEST_MAX_MISSING_CHAT_ID',
): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}
