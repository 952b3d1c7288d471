import type { z } from 'zod';
import type {
  methodologySummarySchema,
  publishedSummarySchema,
  ratingTableSchema,
} from '../../analytics/rating.schema.ts';
import type {
  channelSummarySchema,
  flagSchema,
  overviewSchema,
  regionSummarySchema,
  seriesSchema,
} from '../../analytics/summary.schema.ts';
import type { collectionRunSchema } from '../../api/collection.routes.ts';
import type { failingChannelListSchema } from '../../api/collection-failing.routes.ts';
import type { instanceSchema } from '../../api/meta.routes.ts';
import type { regionDetailSchema, regionListSchema, regionSchema } from '../../api/regions.routes.ts';
import type { channelSchema, channelUpdateSchema } from '../../register/channel.schema.ts';
import type { pageSchema } from '../../register/common.schema.ts';
import { csrfHeaders } from './auth.ts';

/**
 * The dashboard's only door to the server. Response and request types come from the server's zod schemas
 * (`import type` + `z.infer`), so there is one definition; nothing of the server is bundled.
 */

export type Instance = z.infer<typeof instanceSchema>;
export type Region = z.infer<typeof regionSchema>;
export type RegionList = z.infer<typeof regionListSchema>;
export type RegionDetail = z.infer<typeof regionDetailSchema>;
export type Channel = z.infer<typeof channelSchema>;
export type ChannelPage = z.infer<ReturnType<typeof pageSchema<typeof channelSchema>>>;
export type ChannelPatch = z.input<typeof channelUpdateSchema>;

export type RatingTable = z.infer<typeof ratingTableSchema>;
export type RatingRow = RatingTable['rows'][number];
export type RatingFlag = RatingRow['flags'][number];
export type Methodology = z.infer<typeof methodologySummarySchema>;
export type MethodologyIndicator = Methodology['indicators'][number];
export type PublishedRating = z.infer<typeof publishedSummarySchema>;
export interface PublishedRatingList {
  items: PublishedRating[];
  total: number;
}
export type CollectionRun = z.infer<typeof collectionRunSchema>;
export interface CollectionRunList {
  items: CollectionRun[];
  total: number;
  page: number;
  per_page: number;
}
/** `GET /api/collection/status` (the route declares its schema inline, so this mirrors it). */
export interface CollectionStatus {
  channels: number;
  due: number;
  failing: number;
  never_collected: number;
  failing_by_kind: Record<string, number>;
  rate_limit_per_second: number;
  tokens: number;
  mode: 'embedded' | 'scaled' | 'off';
  last_run: CollectionRun | null;
}

export type FailingChannelList = z.infer<typeof failingChannelListSchema>;
export type FailingChannel = FailingChannelList['items'][number];

export type Overview = z.infer<typeof overviewSchema>;
export type Forecast = NonNullable<Overview['forecast']['subscribers']>;
export type RegionSummary = z.infer<typeof regionSummarySchema>;
export type ChannelSummary = z.infer<typeof channelSummarySchema>;
export type ChannelFlag = ChannelSummary['flags'][number];
export type Flag = z.infer<typeof flagSchema>;
export type Series = z.infer<typeof seriesSchema>;
export type SeriesMetric = Series['metric'];
export type SeriesBucket = Series['bucket'];

export interface FlagReview {
  comment: string;
  /** Confirm only: drop the day's value ('carry') or the whole jump ('level'). */
  mode?: 'carry' | 'level';
}

export type RatingScopeKind = 'regions' | 'channels' | 'municipalities';

/** What `GET /api/ratings` takes: the regions scope is the default and is left out of the query. */
export interface RatingParams {
  methodology: string;
  date?: string;
  scope?: Exclude<RatingScopeKind, 'regions'>;
  /** scope=channels: one category (all when absent). */
  category?: string;
  /** scope=channels: one region (all when absent); scope=municipalities: the region (required). */
  region?: string;
}

/**
 * One problem found in an import file, as `POST /api/import/channels` reports it (the route does not export
 * its zod schema, so this mirrors it; `row` is null for file-level problems such as a missing column).
 */
export interface ImportIssue {
  file: string;
  row: number | null;
  column: string | null;
  value: string | null;
  code: string;
  message: string;
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface ImportReport {
  summary: ImportSummary;
  /** Problems that reject their row (any of them stops the real import). */
  errors: ImportIssue[];
  /** Problems that do not stop the import (e.g. an unknown column, ignored). */
  warnings: ImportIssue[];
  /** The server's one-line summary in the requested language. */
  message: string;
  dryRun: boolean;
  /** True when rows are rejected: nothing was (or would be) written. */
  rejected: boolean;
}

/** Any non-2xx answer, with the server's `{error: {code, message, details}}` when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | readonly string[] | null | undefined>;

export function apiUrl(path: string, query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) search.set(key, value.join(','));
    } else {
      search.set(key, String(value));
    }
  }
  const q = search.toString();
  return q ? `${path}?${q}` : path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  return new ApiError(
    response.status,
    typeof error?.code === 'string' ? error.code : `http_${response.status}`,
    typeof error?.message === 'string' ? error.message : response.statusText || `HTTP ${response.status}`,
    error?.details,
  );
}

async function request<T>(method: string, url: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      method,
      headers: { accept: 'application/json', ...csrfHeaders(method), ...init.headers },
    });
  } catch (error) {
    throw new ApiError(0, 'network_error', (error as Error).message);
  }
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export interface ChannelListParams {
  region?: readonly string[];
  category?: readonly string[];
  status?: readonly string[];
  platform?: readonly string[];
  q?: string;
  sort?: string;
  page?: number;
  per_page?: number;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function contentTypeOf(file: File): string {
  const name = file.name.toLowerCase();
  if (name.endsWith('.xlsx')) return XLSX_TYPE;
  if (name.endsWith('.csv') || name.endsWith('.txt')) return 'text/csv';
  return 'application/octet-stream';
}

function issuesOf(value: unknown): ImportIssue[] {
  return Array.isArray(value) ? value.filter(isRecord).map((i) => i as unknown as ImportIssue) : [];
}

function importReportOf(body: unknown, dryRun: boolean): ImportReport {
  const source = isRecord(body) ? body : {};
  const summary = isRecord(source.summary) ? source.summary : {};
  const count = (key: string) => (typeof summary[key] === 'number' ? summary[key] : 0);
  const errors = issuesOf(source.errors);
  const rejected = count('rejected');
  return {
    summary: {
      created: count('created'),
      updated: count('updated'),
      unchanged: count('unchanged'),
      rejected,
    },
    errors,
    warnings: issuesOf(source.warnings),
    message: typeof source.message === 'string' ? source.message : '',
    dryRun: typeof source.dryRun === 'boolean' ? source.dryRun : dryRun,
    rejected: rejected > 0 || errors.length > 0,
  };
}

export const api = {
  instance: () => request<Instance>('GET', '/api/meta/instance'),
  regions: () => request<RegionList>('GET', '/api/regions'),
  region: (code: string) => request<RegionDetail>('GET', `/api/regions/${encodeURIComponent(code)}`),
  channels: (params: ChannelListParams) =>
    request<ChannelPage>('GET', apiUrl('/api/channels', { ...params })),
  channel: (id: number) => request<Channel>('GET', `/api/channels/${id}`),
  methodologies: () => request<{ items: Methodology[] }>('GET', '/api/methodologies'),
  rating: (params: RatingParams) => request<RatingTable>('GET', apiUrl('/api/ratings', { ...params })),
  publishedRatings: (query: { methodology?: string; per_page?: number } = {}) =>
    request<PublishedRatingList>('GET', apiUrl('/api/ratings/published', query)),
  publishedRating: (id: number) => request<RatingTable>('GET', `/api/ratings/${id}`),
  collectionRuns: (query: { page?: number; per_page?: number } = {}) =>
    request<CollectionRunList>('GET', apiUrl('/api/collection/runs', query)),
  overview: () => request<Overview>('GET', '/api/overview'),
  regionSummary: (code: string) =>
    request<RegionSummary>('GET', `/api/regions/${encodeURIComponent(code)}/summary`),
  channelSummary: (id: number) => request<ChannelSummary>('GET', `/api/channels/${id}/summary`),
  channelSeries: (id: number, query: { metric: SeriesMetric; bucket: SeriesBucket; from?: string }) =>
    request<Series>('GET', apiUrl(`/api/channels/${id}/series`, query)),
  reviewFlag: (id: number, action: 'confirm' | 'dismiss', review: FlagReview) =>
    request<Flag>('POST', `/api/flags/${id}/${action}`, {
      body: JSON.stringify(review),
      headers: { 'content-type': 'application/json' },
    }),
  collectionStatus: () => request<CollectionStatus>('GET', '/api/collection/status'),
  failingChannels: (query: { kind?: string; page?: number; per_page?: number } = {}) =>
    request<FailingChannelList>('GET', apiUrl('/api/collection/failing', query)),
  updateChannel: (id: number, patch: ChannelPatch) =>
    request<Channel>('PATCH', `/api/channels/${id}`, {
      body: JSON.stringify(patch),
      headers: { 'content-type': 'application/json' },
    }),

  /**
   * Uploads the raw file. 200 → the report (a dry run reports rejected rows with 200 too); 422
   * `import_rejected` → the rows that stopped a real import (nothing written); anything else throws.
   */
  importChannels: async (file: File, options: { dryRun: boolean; lang: string }): Promise<ImportReport> => {
    const url = apiUrl('/api/import/channels', {
      dryRun: options.dryRun,
      lang: options.lang,
      filename: file.name,
    });
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        body: file,
        headers: { 'content-type': contentTypeOf(file), accept: 'application/json', ...csrfHeaders('POST') },
      });
    } catch (error) {
      throw new ApiError(0, 'network_error', (error as Error).message);
    }
    if (response.ok) return importReportOf(await response.json(), options.dryRun);
    const error = await errorOf(response);
    if (response.status === 422 && error.code === 'import_rejected') {
      return { ...importReportOf(error.details, options.dryRun), message: error.message, rejected: true };
    }
    throw error;
  },
};

export const links = {
  template: (lang: string) => apiUrl('/api/import/template', { lang }),
  exportChannels: (format: 'xlsx' | 'csv', query: { region?: readonly string[]; lang: string }) =>
    apiUrl('/api/export/channels', { format, region: query.region, lang: query.lang }),
  exportRating: (format: 'xlsx' | 'csv', query: RatingParams & { lang: string }) =>
    apiUrl('/api/ratings/export', { format, ...query }),
  exportPublishedRating: (id: number, format: 'xlsx' | 'csv', lang: string) =>
    apiUrl(`/api/ratings/${id}/export`, { format, lang }),
};
