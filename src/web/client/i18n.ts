import { useCallback, useSyncExternalStore } from 'react';
import type { Lang } from './format.ts';
import { en, ru } from './messages.ts';
import { replaceParam } from './router.ts';

/**
 * Interface language: Russian by default, English on request. The choice is kept in the URL (`?lang=en`,
 * so a shared link opens in the same language) and in localStorage (so the next visit remembers it).
 */

export type { Lang };
export type MessageKey = keyof typeof ru;

const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { ru, en };
const STORAGE_KEY = 'ohvat.lang';

function isLang(value: string | null): value is Lang {
  return value === 'ru' || value === 'en';
}

function readStored(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function store(lang: Lang): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode or storage disabled: the URL still carries the choice.
  }
}

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (isLang(fromUrl)) {
    store(fromUrl);
    return fromUrl;
  }
  const stored = readStored();
  return isLang(stored) ? stored : 'ru';
}

let current: Lang = 'ru';
const listeners = new Set<() => void>();

/** Reads the language from the URL or storage and writes it back to the URL; called once at start. */
export function initLang(): Lang {
  current = initialLang();
  document.documentElement.lang = current;
  const inUrl = new URLSearchParams(window.location.search).get('lang');
  if (current === 'en' && inUrl !== 'en') replaceParam('lang', 'en');
  if (current === 'ru' && inUrl !== null) replaceParam('lang', null);
  return current;
}

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  store(lang);
  document.documentElement.lang = lang;
  replaceParam('lang', lang === 'en' ? 'en' : null);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLang(): Lang {
  return useSyncExternalStore(subscribe, getLang, getLang);
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** `{name}` placeholders are replaced by params. */
export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const text = DICTIONARIES[lang][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function useT(): Translate {
  const lang = useLang();
  return useCallback((key, params) => translate(lang, key, params), [lang]);
}

/** Federal districts and region types come from the reference data in Russian; English labels here. */
const FEDERAL_DISTRICTS_EN: Record<string, string> = {
  Центральный: 'Central',
  'Северо-Западный': 'Northwestern',
  Южный: 'Southern',
  'Северо-Кавказский': 'North Caucasian',
  Приволжский: 'Volga',
  Уральский: 'Ural',
  Сибирский: 'Siberian',
  Дальневосточный: 'Far Eastern',
};

const REGION_TYPES_EN: Record<string, string> = {
  республика: 'republic',
  край: 'krai',
  область: 'oblast',
  'город федерального значения': 'federal city',
  'автономная область': 'autonomous oblast',
  'автономный округ': 'autonomous okrug',
};

export function federalDistrictLabel(name: string, lang: Lang): string {
  return lang === 'en' ? (FEDERAL_DISTRICTS_EN[name] ?? name) : name;
}

export function regionTypeLabel(type: string, lang: Lang): string {
  return lang === 'en' ? (REGION_TYPES_EN[type] ?? type) : type;
}

export const FEDERAL_DISTRICTS = Object.keys(FEDERAL_DISTRICTS_EN);
