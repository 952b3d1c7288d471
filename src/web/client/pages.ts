import { type ComponentType, createElement, lazy } from 'react';
import type { Route } from './router.ts';

/**
 * The pages, one lazy chunk each. `preloadPage(route)` loads the chunk of a route ahead of rendering:
 * `main.tsx` awaits it for the first page, so the first render does not suspend (a suspended first render
 * shows the fallback and React then holds the reveal back by up to 300 ms); later navigations use
 * React.lazy + Suspense as usual.
 */

export interface LazyPage<P extends object> {
  /** The component once its chunk has loaded (then rendering does not suspend). */
  loaded: () => ComponentType<P> | undefined;
  /** React.lazy over the same load, for pages whose chunk is not there yet. */
  lazyComponent: ComponentType<P>;
  preload: () => Promise<unknown>;
}

function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): LazyPage<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  const preload = () => {
    pending ??= load().then(
      (component) => {
        loaded = component;
        return component;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
  const lazyComponent = lazy(() => preload().then((component) => ({ default: component })));
  return { loaded: () => loaded, lazyComponent: lazyComponent as ComponentType<P>, preload };
}

/** Renders a lazy page: directly when its chunk is loaded, through React.lazy (suspending) otherwise. */
export function Page<P extends object>({ page, props }: { page: LazyPage<P>; props: P }) {
  return createElement(page.loaded() ?? page.lazyComponent, props);
}

export const OverviewPage = lazyPage(() => import('./pages/overview.page.tsx').then((m) => m.OverviewPage));
export const RegionsPage = lazyPage(() => import('./pages/regions.page.tsx').then((m) => m.RegionsPage));
export const RegionPage = lazyPage(() => import('./pages/region.page.tsx').then((m) => m.RegionPage));
export const RegisterPage = lazyPage(() => import('./pages/register.page.tsx').then((m) => m.RegisterPage));
export const ImportPage = lazyPage(() => import('./pages/import.page.tsx').then((m) => m.ImportPage));
export const RatingPage = lazyPage(() => import('./pages/rating.page.tsx').then((m) => m.RatingPage));
export const RatingPublishedPage = lazyPage(() =>
  import('./pages/rating-published.page.tsx').then((m) => m.RatingPublishedPage),
);
export const ChannelPage = lazyPage(() => import('./pages/channel.page.tsx').then((m) => m.ChannelPage));
export const CollectionPage = lazyPage(() =>
  import('./pages/collection.page.tsx').then((m) => m.CollectionPage),
);
export const MethodologyPage = lazyPage(() =>
  import('./pages/methodology.page.tsx').then((m) => m.MethodologyPage),
);
export const NotFoundPage = lazyPage(() => import('./pages/not-found.page.tsx').then((m) => m.NotFoundPage));

const BY_ROUTE: Record<Route['name'], { preload: () => Promise<unknown> }> = {
  overview: OverviewPage,
  regions: RegionsPage,
  region: RegionPage,
  register: RegisterPage,
  import: ImportPage,
  rating: RatingPage,
  'rating-published': RatingPublishedPage,
  channel: ChannelPage,
  collection: CollectionPage,
  methodology: MethodologyPage,
  'not-found': NotFoundPage,
};

export function preloadPage(route: Route): Promise<unknown> {
  return BY_ROUTE[route.name].preload();
}
