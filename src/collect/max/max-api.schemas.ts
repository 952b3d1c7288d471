import { z } from 'zod';

/**
 * Response schemas of the MAX Bot API, deliberately loose: unknown fields are kept (`looseObject`), most
 * fields are optional or nullable (fields come and go between API versions), and int64 values may arrive as
 * JSON numbers or strings. Ids are normalised to decimal strings (int64 does not fit a JS number); counts and
 * instants (epoch ms) to numbers.
 */

/**
 * Text as MAX sends it, without NUL characters (PostgreSQL cannot store them; they carry no meaning in a
 * title, a description or a link).
 */
export const text = z.string().transform((v) => (v.includes('\u0000') ? v.replaceAll('\u0000', '') : v));

/** int64 id → decimal string. */
export const int64 = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).transform((v) => String(v));

/** A non-negative count or instant that may arrive as a string. */
export const numeric = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform((v) => Number(v));

export const userSchema = z.looseObject({
  user_id: int64,
  name: text.nullish(),
  username: text.nullish(),
  is_bot: z.boolean().nullish(),
});

export const chatSchema = z.looseObject({
  chat_id: int64,
  /** 'channel' | 'chat' | 'dialog' — any string is accepted. */
  type: text.nullish(),
  /** The bot's status in the chat: 'active' | 'removed' | 'left' | 'closed'. */
  status: text.nullish(),
  title: text.nullish(),
  description: text.nullish(),
  icon: z.looseObject({ url: text.nullish() }).nullish(),
  is_public: z.boolean().nullish(),
  link: text.nullish(),
  participants_count: numeric.nullish(),
  messages_count: numeric.nullish(),
  last_event_time: numeric.nullish(),
  owner_id: int64.nullish(),
  pinned_message: z.unknown().optional(),
});
export type MaxChat = z.output<typeof chatSchema>;

export const membershipSchema = z.looseObject({
  user_id: int64,
  name: text.nullish(),
  is_owner: z.boolean().nullish(),
  is_admin: z.boolean().nullish(),
  permissions: z.array(z.string()).nullish(),
});
export type MaxMembership = z.output<typeof membershipSchema>;

const linkedMessageSchema = z.looseObject({
  mid: text.nullish(),
  seq: int64.nullish(),
  text: text.nullish(),
});

export const messageSchema = z.looseObject({
  sender: userSchema.nullish(),
  recipient: z
    .looseObject({ chat_id: int64.nullish(), chat_type: text.nullish(), user_id: int64.nullish() })
    .nullish(),
  timestamp: numeric,
  body: z.looseObject({
    mid: z.string(),
    seq: int64.nullish(),
    text: text.nullish(),
    attachments: z.array(z.unknown()).nullish(),
  }),
  /** Present on channel posts. */
  stat: z.looseObject({ views: numeric.nullish() }).nullish(),
  url: text.nullish(),
  /** A forward is a repost; a reply links to another message. */
  link: z
    .looseObject({
      type: z.string(),
      sender: userSchema.nullish(),
      chat_id: int64.nullish(),
      message: linkedMessageSchema.nullish(),
    })
    .nullish(),
});
export type MaxMessage = z.output<typeof messageSchema>;

export const messagesSchema = z.looseObject({ messages: z.array(messageSchema) });

export const updateSchema = z.looseObject({
  update_type: z.string(),
  timestamp: numeric,
  chat_id: int64.nullish(),
  user: userSchema.nullish(),
  is_channel: z.boolean().nullish(),
});
export type MaxUpdate = z.output<typeof updateSchema>;

export const updatesSchema = z.looseObject({
  updates: z.array(updateSchema),
  marker: int64.nullish(),
});

export const subscriptionSchema = z.looseObject({
  url: z.string(),
  time: numeric.nullish(),
  update_types: z.array(z.string()).nullish(),
  version: text.nullish(),
});
export type MaxSubscription = z.output<typeof subscriptionSchema>;

export const subscriptionsSchema = z.looseObject({ subscriptions: z.array(subscriptionSchema) });

export const successSchema = z.looseObject({ success: z.boolean(), message: text.nullish() });

export const errorBodySchema = z.looseObject({ code: text.nullish(), message: text.nullish() });

/**
 * JSON.parse that keeps integers beyond 2^53 exact by quoting them before parsing (ids are int64). Only
 * number tokens outside strings are touched; safe integers stay numbers.
 */
export function parseJsonInt64(text: string): unknown {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      continue;
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE+-]/.test(text[j]!)) j += 1;
      const token = text.slice(i, j);
      if (/^-?\d{16,}$/.test(token) && !Number.isSafeInteger(Number(token))) {
        out += `${text.slice(last, i)}"${token}"`;
        last = j;
      }
      i = j - 1;
    }
  }
  return JSON.parse(last === 0 ? text : out + text.slice(last));
}
