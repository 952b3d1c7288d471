import type { ChannelInfo } from './world.ts';

/**
 * Public channel pages as `https://max.ru/<nick>` serves them: an HTML shell whose `<script>` JSON blob carries
 * `"participantsCount": N` — what scrapers read with `["']participantsCount["']\s*:\s*(\d+)`. The emulator
 * can render three variants: the normal page, a page whose markup has changed (the count moved to a shape
 * scrapers do not know), and the page of a channel that is not public (no count at all).
 */

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** JSON safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value, null, 1).replace(/</g, '\\u003c');
}

function shell(title: string, description: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — MAX</title>
<meta property="og:title" content="${escapeHtml(title)}">
<meta property="og:description" content="${escapeHtml(description)}">
<meta property="og:site_name" content="MAX">
</head>
<body>
<div id="root"></div>
${body}
</body>
</html>
`;
}

function plural(n: number): string {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return 'подписчик';
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return 'подписчика';
  return 'подписчиков';
}

export function renderChannelPage(info: ChannelInfo, participants: number): string {
  const state = {
    route: 'channel',
    channel: {
      id: info.chatId,
      nick: info.nickname,
      title: info.title,
      type: 'CHANNEL',
      isPublic: true,
      participantsCount: participants,
      link: info.url,
      icon: info.hasIcon ? `https://i.oneme.ru/i?r=${info.ownerId.toString(36)}` : null,
    },
  };
  const description = `${participants.toLocaleString('ru-RU')} ${plural(participants)}`;
  return shell(
    info.title,
    description,
    `<noscript>${escapeHtml(info.title)} · ${escapeHtml(description)}</noscript>
<script id="__MAX_STATE__" type="application/json">${scriptJson(state)}</script>`,
  );
}

/** The markup after a (simulated) redesign: the count is nested under `audience.total`, no text count. */
export function renderChangedChannelPage(info: ChannelInfo, participants: number): string {
  const state = {
    v: 2,
    entity: { kind: 'channel', handle: info.nickname, name: info.title, audience: { total: participants } },
  };
  return shell(
    info.title,
    'Канал в MAX',
    `<script type="application/json" data-state="1">${scriptJson(state)}</script>`,
  );
}

/** A channel that is not public: the page exists but shows no audience. */
export function renderPrivateChannelPage(info: ChannelInfo): string {
  const state = { route: 'channel', channel: { nick: info.nickname, type: 'CHANNEL', isPublic: false } };
  return shell(
    'Закрытый канал',
    'Это закрытый канал. Вступить можно только по приглашению.',
    `<p>Это закрытый канал</p>
<script id="__MAX_STATE__" type="application/json">${scriptJson(state)}</script>`,
  );
}

export function renderNotFoundPage(): string {
  return shell('Страница не найдена', 'Такой страницы нет', '<p>Страница не найдена</p>');
}

export function renderRateLimitedPage(): string {
  return shell('Слишком много запросов', 'Повторите попытку позже', '<p>Слишком много запросов</p>');
}
