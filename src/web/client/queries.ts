import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type ChannelListParams, type Region } from './api.ts';
import type { Lang } from './format.ts';

/** Shared queries: the same key anywhere in the app means one request and one cache entry. */

export function useInstance() {
  return useQuery({ queryKey: ['instance'], queryFn: api.instance, staleTime: Number.POSITIVE_INFINITY });
}

export function useRegions() {
  return useQuery({ queryKey: ['regions'], queryFn: api.regions, staleTime: 5 * 60_000 });
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
