/**
 * Channel addresses as people write them: `max.ru/x`, `https://max.ru/x`, `@x`, `x`. Normalised to the bare
 * nickname (lower case) and the canonical URL.
 */

const NICK = /^[a-z0-9][a-z0-9_.-]{1,63}$/;
const PLATFORM_HOSTS: Record<string, string[]> = {
  max: ['max.ru', 'web.max.ru'],
  vk: ['vk.com', 'vk.ru', 'm.vk.com'],
  ok: ['ok.ru', 'm.ok.ru'],
  telegram: ['t.me', 'telegram.me'],
};
const CANONICAL_HOST: Record<string, string> = { max: 'max.ru', vk: 'vk.com', ok: 'ok.ru', telegram: 't.me' };

export type NicknameResult =
  | { ok: true; nickname: string; url: string }
  | { ok: false; reason: 'empty' | 'host' | 'format' };

export function canonicalUrl(platform: string, nickname: string): string {
  return `https://${CANONICAL_HOST[platform] ?? 'max.ru'}/${nickname}`;
}

export function normaliseNickname(input: string, platform = 'max'): NicknameResult {
  let value = input.trim();
  if (value === '') return { ok: false, reason: 'empty' };
  const hosts = PLATFORM_HOSTS[platform] ?? [];
  const withoutScheme = value.replace(/^https?:\/\//i, '');
  const slash = withoutScheme.indexOf('/');
  if (slash > 0 && withoutScheme.slice(0, slash).includes('.')) {
    const host = withoutScheme
      .slice(0, slash)
      .toLowerCase()
      .replace(/^www\./, '');
    if (!hosts.includes(host)) return { ok: false, reason: 'host' };
    value = withoutScheme
      .slice(slash + 1)
      .split(/[?#]/)[0]!
      .replace(/\/+$/, '');
  } else if (/^https?:\/\//i.test(value) || /^[^/@]+\.(ru|com|me)$/i.test(value)) {
    return { ok: false, reason: 'format' };
  }
  value = value.replace(/^@/, '').toLowerCase();
  if (!NICK.test(value)) return { ok: false, reason: 'format' };
  return { ok: true, nickname: value, url: canonicalUrl(platform, value) };
}

/**
 * The platform a link points to (`https://vk.com/x` → `vk`, `t.me/x` → `telegram`); undefined for bare
 * nicknames and unknown hosts. Lets imports infer the platform when the file has no platform column.
 */
export function platformOfLink(input: string): string | undefined {
  const match = /^(?:https?:\/\/)?([^/?#@\s]+\.[a-z]{2,})(?:[/?#]|$)/i.exec(input.trim());
  if (!match) return undefined;
  const host = match[1]!.toLowerCase().replace(/^www\./, '');
  return Object.entries(PLATFORM_HOSTS).find(([, hosts]) => hosts.includes(host))?.[0];
}
