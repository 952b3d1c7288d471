import { useCallback, useMemo, useSyncExternalStore } from 'react';

/**
 * A tiny history-API router. Every page and its filters live in the URL (`/register?region=RU-BA&q=школа`),
 * so a reload or a shared link restores the same view. The language is a URL parameter too (`lang=en`),
 * carried over by every link this module builds.
 */

export type Route =
  | { name: 'overview' }
  | { name: 'regions' }
  | { name: 'region'; code: string }
  | { name: 'register' }
  | { name: 'import' }
  | { name: 'rating' }
  | { name: 'rating-published'; id: number }
  | { name: 'channel'; id: number }
  | { name: 'collection' }
  | { name: 'methodology'; id?: string }
  | { name: 'not-found' };

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'overview' };
  if (path === '/regions') return { name: 'regions' };
  const region = /^\/regions\/([A-Za-z]{2}-[A-Za-z]{2,4})$/.exec(path);
  if (region) return { name: 'region', code: region[1]!.toUpperCase() };
  if (path === '/register') return { name: 'register' };
  if (path === '/register/import') return { name: 'import' };
  if (path === '/rating') return { name: 'rating' };
  const published = /^\/rating\/published\/(\d{1,9})$/.exec(path);
  if (published) return { name: 'rating-published', id: Number(published[1]) };
  const channel = /^\/channels\/(\d{1,12})$/.exec(path);
  if (channel) return { name: 'channel', id: Number(channel[1]) };
  if (path === '/collection') return { name: 'collection' };
  if (path === '/methodology') return { name: 'methodology' };
  const methodology = /^\/methodology\/([a-z0-9-]{1,60})$/.exec(path);
  if (methodology) return { name: 'methodology', id: methodology[1]! };
  return { name: 'not-found' };
}

const NAVIGATE_EVENT = 'ohvat:navigate';

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(NAVIGATE_EVENT, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(NAVIGATE_EVENT, listener);
  };
}

function snapshot(): string {
  return window.location.pathname + window.location.search;
}

/** Parameters every link keeps (the interface language). */
const STICKY = ['lang'] as const;

export type ParamValue = string | number | boolean | null | undefined | readonly string[];
export type Params = Record<string, ParamValue>;

function appendParams(search: URLSearchParams, params: Params): void {
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '' || value === false) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (item !== '') search.append(key, item);
    } else {
      search.set(key, String(value));
    }
  }
}

/** Builds a same-origin URL with the sticky parameters of the current location. */
export function href(path: string, params: Params = {}): string {
  const search = new URLSearchParams();
  appendParams(search, params);
  const current = new URLSearchParams(window.location.search);
  for (const key of STICKY) {
    const value = current.get(key);
    if (value && !search.has(key)) search.set(key, value);
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) {
    window.history.replaceState(null, '', to);
  } else {
    window.history.pushState(null, '', to);
    window.scrollTo(0, 0);
  }
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** Sets or removes one parameter of the current URL without a history entry (used for `lang`). */
export function replaceParam(key: string, value: string | null): void {
  const url = new URL(window.location.href);
  if (value === null) url.searchParams.delete(key);
  else url.searchParams.set(key, value);
  navigate(url.pathname + url.search, { replace: true });
}

export interface LocationState {
  path: string;
  params: URLSearchParams;
}

export function useLocation(): LocationState {
  const current = useSyncExternalStore(subscribe, snapshot, snapshot);
  return useMemo(() => {
    const url = new URL(current, window.location.origin);
    return { path: url.pathname, params: url.searchParams };
  }, [current]);
}

/**
 * The page's filters as URL parameters. `set` merges a patch (empty values remove the key); changing
 * anything but `page` resets `page`. Text typed into a search box replaces the history entry, other
 * changes push one so Back undoes them.
 */
export function useQueryState(): {
  params: URLSearchParams;
  get: (key: string) => string;
  getAll: (key: string) => string[];
  set: (patch: Params, options?: { replace?: boolean }) => void;
} {
  const { path, params } = useLocation();
  const set = useCallback(
    (patch: Params, options: { replace?: boolean } = {}) => {
      const next = new URLSearchParams(window.location.search);
      const keys = Object.keys(patch);
      for (const key of keys) next.delete(key);
      if (!keys.includes('page') && keys.some((k) => k !== 'edit')) next.delete('page');
      appendParams(next, patch);
      const query = next.toString();
      navigate(query ? `${path}?${query}` : path, options);
    },
    [path],
  );
  const get = useCallback((key: string) => params.get(key) ?? '', [params]);
  const getAll = useCallback(
    (key: string) =>
      params
        .getAll(key)
        .flatMap((v) => v.split(','))
        .filter(Boolean),
    [params],
  );
  return { params, get, getAll, set };
}

/** Positive integer parameter with a default (`page`, `per_page`). */
export function intParam(value: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, max) : fallback;
}
