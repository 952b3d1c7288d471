import { z } from 'zod';
import { PASSWORD_MAX } from './password.ts';
import { ROLES } from './principal.ts';

/** Zod schemas of users, tokens, sign-in and the audit log (strict inputs: unknown fields are rejected). */

const regionCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}-[A-Z]{2,3}$/, 'expected a region code like RU-BA');

export const regionsInput = z
  .array(regionCode)
  .max(89)
  .describe('Regions of an operator (codes like RU-BA); empty for the other roles');

export const loginInput = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only')
  .describe('Login (stored in lower case)');

const passwordInput = z.string().max(PASSWORD_MAX);

export const loginBodySchema = z
  .object({ login: z.string().max(200), password: passwordInput })
  .strict()
  .describe('Sign-in');

export const userSchema = z.object({
  id: z.number().int(),
  login: z.string(),
  display_name: z.string(),
  role: z.enum(ROLES),
  regions: z.array(z.string()),
  disabled: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  last_login_at: z.string().nullable(),
});
export type UserView = z.output<typeof userSchema>;

export const userCreateSchema = z
  .object({
    login: loginInput,
    display_name: z.string().trim().min(1).max(200).optional(),
    role: z.enum(ROLES),
    regions: regionsInput.default([]),
    password: passwordInput.describe('At least 8 characters'),
  })
  .strict();
export type UserCreateInput = z.output<typeof userCreateSchema>;

export const userUpdateSchema = z
  .object({
    display_name: z.string().trim().min(1).max(200).optional(),
    role: z.enum(ROLES).optional(),
    regions: regionsInput.optional(),
    disabled: z.boolean().optional(),
    password: passwordInput.optional().describe('New password; ends the user’s other sessions'),
  })
  .strict()
  .refine((u) => Object.keys(u).length > 0, { message: 'no fields to update' });
export type UserUpdateInput = z.output<typeof userUpdateSchema>;

export const meSchema = z.object({
  user: userSchema.nullable().describe('null when not signed in (or signed in by an API token)'),
  principal: z
    .object({
      kind: z.enum(['user', 'token', 'cli', 'system']),
      name: z.string(),
      role: z.enum(ROLES),
      regions: z.array(z.string()),
    })
    .nullable()
    .describe('Who the request acts as: a user or an API token; null when anonymous'),
  csrf_token: z.string().nullable().describe('Send as X-CSRF-Token with every POST/PATCH/PUT/DELETE'),
  expires_at: z.string().nullable(),
  via: z.enum(['session', 'token']).nullable(),
  public_access: z.enum(['ratings', 'read', 'none']),
  demo_account: z
    .object({ login: z.string(), password: z.string() })
    .nullable()
    .describe('Demo mode only: the demo administrator account'),
});

export const apiTokenSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(ROLES),
  regions: z.array(z.string()),
  created_by: z.number().int().nullable(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});
export type ApiTokenView = z.output<typeof apiTokenSchema>;

export const apiTokenCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: z.enum(ROLES),
    regions: regionsInput.default([]),
  })
  .strict();
export type ApiTokenCreateInput = z.output<typeof apiTokenCreateSchema>;

export const apiTokenCreatedSchema = apiTokenSchema.extend({
  token: z.string().describe('The token: shown this once, send as Authorization: Bearer <token>'),
});

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor_kind: z.string(),
  actor_id: z.number().int().nullable(),
  actor_name: z.string(),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.string().nullable(),
  region_code: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
});

const instantOrDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, 'expected YYYY-MM-DD or an ISO instant');

export const auditQuerySchema = z
  .object({
    entity: z
      .string()
      .max(120)
      .regex(/^[a-z_]+(:[^\s]{1,80})?$/, 'expected a type (channel) or type:id (channel:12)')
      .optional(),
    actor: z.string().max(200).optional(),
    action: z.string().max(100).optional().describe('channel.update, or a prefix ending in "." (channel.)'),
    region: z.string().max(10).optional(),
    from: instantOrDay.optional(),
    to: instantOrDay.optional(),
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    per_page: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();
