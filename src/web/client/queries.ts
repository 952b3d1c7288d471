import { keepPreviousData, type QueryClient, queryOptions, useQuery } from '@tanstack/react-query';
import {
  api,
  type ChannelListParams,
  type RatingParams,
  type Region,
  type SeriesBucket,
  type SeriesMetric,
} from './api.ts';
import type { Lang } from './format.ts';
import type { Route } from './router.ts';

/** Shared queries: the same key anywhere in the app means one request and one cache entry. */

export function useInstance() {
  return useQuery({ queryKey: ['instance'], queryFn: api.instance, staleTime: Number.POSITIVE_INFINITY });
}

export function useRegions() {
  return useQuery(regionsQuery);
}

export function useRegion(code: string) {
  return useQuery({ queryKey: ['region', code], queryFn: () => api.region(code), staleTime: 5 * 60_000 });
}

export function useChannels(params: ChannelListParams) {
  return useQuery({
    queryKey: ['channels', params],
    queryFn: () => api.channels(params),
    placeholderData: keepPreviousData,
  });
}

export function regionName(region: Pick<Region, 'name_ru' | 'name_en'>, lang: Lang): string {
  return lang === 'en' ? region.name_en : region.name_ru;
}

/**
 * The rating page's methodology, date and scope from its URL
 * (`/rating?methodology=…&date=…&scope=channels&category=school&region=RU-BA`). The regions scope is the
 * default and takes no filters; a category belongs to the channels scope only.
 */
export const DEFAULT_METHODOLOGY = 'dialog-2025';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const REGION_CODE = /^[A-Za-z]{2}-[A-Za-z]{2,3}$/;
const CATEGORY_CODE = /^[a-z_]{1,40}$/;

export function ratingParamsOf(params: URLSearchParams): RatingParams {
  const date = params.get('date') ?? '';
  const scope = params.get('scope');
  const category = params.get('category') ?? '';
  const region = (params.get('region') ?? '').toUpperCase();
  const base: RatingParams = {
    methodology: params.get('methodology') || DEFAULT_METHODOLOGY,
    ...(DAY.test(date) ? { date } : {}),
  };
  if (scope !== 'channels' && scope !== 'municipalities') return base;
  return {
    ...base,
    scope,
    ...(scope === 'channels' && CATEGORY_CODE.test(category) ? { category } : {}),
    ...(REGION_CODE.test(region) ? { region } : {}),
  };
}

/** A municipalities rating needs its region; without it there is nothing to ask for. */
export function ratingParamsComplete(params: RatingParams): boolean {
  return params.scope !== 'municipalities' || params.region !== undefined;
}

const methodologiesQuery = queryOptions({
  queryKey: ['methodologies'],
  queryFn: api.methodologies,
  staleTime: 10 * 60_000,
});

const regionsQuery = queryOptions({ queryKey: ['regions'], queryFn: api.regions, staleTime: 5 * 60_000 });

const ratingQuery = (params: RatingParams) =>
  queryOptions({
    queryKey: [
      'rating',
      params.methodology,
      params.date ?? '',
      params.scope ?? 'regions',
      params.category ?? '',
      params.region ?? '',
    ],
    queryFn: () => api.rating(params),
  });

const publishedRatingsQuery = queryOptions({
  queryKey: ['ratings', 'published'],
  queryFn: () => api.publishedRatings({ per_page: 50 }),
});

export function useMethodologies() {
  return useQuery(methodologiesQuery);
}

export function useRating(params: RatingParams, enabled = true) {
  return useQuery({ ...ratingQuery(params), placeholderData: keepPreviousData, enabled });
}

export function usePublishedRatings() {
  return useQuery(publishedRatingsQuery);
}

export function usePublishedRating(id: number, enabled = true) {
  return useQuery({
    queryKey: ['ratings', 'published', id],
    queryFn: () => api.publishedRating(id),
    staleTime: Number.POSITIVE_INFINITY,
    enabled,
  });
}

const overviewQuery = queryOptions({ queryKey: ['overview'], queryFn: api.overview, staleTime: 60_000 });

export function useOverview() {
  return useQuery(overviewQuery);
}

export function useRegionSummary(code: string) {
  return useQuery({
    queryKey: ['region', code, 'summary'],
    queryFn: () => api.regionSummary(code),
    staleTime: 60_000,
  });
}

export function useChannelSummary(id: number) {
  return useQuery({ queryKey: ['channel', id, 'summary'], queryFn: () => api.channelSummary(id) });
}

export function useChannelSeries(id: number, metric: SeriesMetric, bucket: SeriesBucket) {
  return useQuery({
    queryKey: ['channel', id, 'series', metric, bucket],
    queryFn: () =>
      api.channelSeries(id, { metric, bucket, ...(bucket === 'day' ? {} : { from: longAgo(bucket) }) }),
    placeholderData: keepPreviousData,
  });
}

/** Weeks and months are shown over a year and two years; days over the API's default 90 days. */
function longAgo(bucket: SeriesBucket): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() - (bucket === 'week' ? 365 : 730));
  return date.toISOString().slice(0, 10);
}

/**
 * Starts the requests of the page being opened before its code has loaded (the first page only; later
 * pages start theirs when they render). Errors are left to the page, which shows them.
 */
export function prefetchRoute(client: QueryClient, route: Route, params: URLSearchParams): void {
  switch (route.name) {
    case 'rating':
      void client.prefetchQuery(methodologiesQuery);
      // Other scopes wait for the methodologies (not every methodology rates them).
      if (ratingParamsOf(params).scope === undefined) {
        void client.prefetchQuery(ratingQuery(ratingParamsOf(params)));
      }
      void client.prefetchQuery(regionsQuery);
      void client.prefetchQuery(publishedRatingsQuery);
      break;
    case 'overview':
      void client.prefetchQuery(overviewQuery);
      void client.prefetchQuery(regionsQuery);
      break;
    case 'regions':
      void client.prefetchQuery(regionsQuery);
      break;
    case 'methodology':
      void client.prefetchQuery(methodologiesQuery);
      break;
    default:
      break;
  }
}
