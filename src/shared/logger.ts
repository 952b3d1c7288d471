import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line: credentials of people, machines and MAX bots. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-max-bot-api-secret"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'authorization',
  'token',
  'tokens',
  'password',
  '*.token',
  '*.tokens',
  '*.password',
  'config.max.tokens',
  'config.admin.password',
  'csrf_token',
  '*.csrf_token',
  'new_password',
  '*.new_password',
];

export function createLogger(
  level: string,
  options: { pretty?: boolean; destination?: pino.DestinationStream } = {},
): Logger {
  const settings = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
