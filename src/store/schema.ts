import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Table types of the one schema both dialects share (see migrations/).
 * Conventions: instants in register tables are ISO-8601 UTC text; instants in high-volume tables
 * (observations, posts) are epoch milliseconds (bigint); calendar days are 'YYYY-MM-DD' text (`date` in
 * PostgreSQL, returned as text by the dialect seam); booleans are 0/1 integers on both dialects.
 */

export type Flag = 0 | 1;

export interface RegionsTable {
  code: string;
  name_ru: string;
  name_en: string;
  type: string;
  federal_district: string;
  okato: string | null;
  capital: string | null;
}

export interface RegionPopulationTable {
  region_code: string;
  as_of: string;
  population: number;
  source: string;
  created_at: string;
}

export interface OrganisationsTable {
  id: Generated<number>;
  name: string;
  category: string;
  level: string;
  region_code: string | null;
  municipality: string | null;
  inn: string | null;
  ogrn: string | null;
  search_text: string;
  created_at: string;
  updated_at: string;
}

export interface ChannelsTable {
  id: Generated<number>;
  platform: string;
  nickname: string | null;
  chat_id: string | null;
  url: string | null;
  title: string | null;
  organisation_id: number | null;
  category: string;
  level: string | null;
  region_code: string | null;
  municipality: string | null;
  page_class: string | null;
  status: string;
  official_confirmed: Flag;
  /** Lower-cased title, nickname, municipality and organisation name for case-insensitive search. */
  search_text: string;
  created_at: string;
  updated_at: string;
}

export interface ObservationsTable {
  channel_id: number;
  /** Source of the figure: 'bot_api' | 'public_page' | 'import' | … */
  source: string;
  /** Idempotency bucket: observed_at floored to the collection bucket (ms). */
  bucket: number;
  observed_at: number;
  subscribers: number;
  messages_count: number | null;
  /** Views the source reports for the channel at that time (imported files); null when not given. */
  views: number | null;
}

export interface PostsTable {
  channel_id: number;
  post_id: string;
  published_at: number;
  is_repost: Flag;
  url: string | null;
  text_length: number | null;
}

export interface PostObservationsTable {
  channel_id: number;
  post_id: string;
  observed_at: number;
  /** Post age at observation, in hours (rounded down). */
  age_hours: number;
  views: number;
}

export interface ChannelStateTable {
  channel_id: number;
  next_due_at: ColumnType<number, number | undefined, number>;
  last_attempt_at: number | null;
  last_success_at: number | null;
  /** 'bot_api' | 'public_page' */
  last_method: string | null;
  last_error_kind: string | null;
  last_error: string | null;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  bot_admin: Flag | null;
  last_subscribers: number | null;
  page_last_good: number | null;
  page_last_good_at: number | null;
  page_failure: string | null;
  profile_title: string | null;
  profile_description: string | null;
  profile_icon_url: string | null;
  profile_is_public: Flag | null;
  profile_link: string | null;
  profile_messages_count: number | null;
  profile_last_event_time: number | null;
  profile_checked_at: number | null;
  posts_checked_at: number | null;
  /** Page completeness stored with the profile (1/0); null when not computed. */
  page_complete: Flag | null;
}

export interface CollectionRunsTable {
  id: Generated<number>;
  /** 'embedded' | 'scaled' | 'once' */
  mode: string;
  /** 'running' | 'finished' | 'failed' | 'interrupted' */
  status: string;
  started_at: number;
  finished_at: number | null;
  channels_total: ColumnType<number, number | undefined, number>;
  channels_ok: ColumnType<number, number | undefined, number>;
  channels_failed: ColumnType<number, number | undefined, number>;
  /** Bot API requests. */
  requests: ColumnType<number, number | undefined, number>;
  /** Public page reads (migration 2026-11-29T1600_run_page_requests). */
  page_requests: ColumnType<number, number | undefined, number>;
  rate_limited: ColumnType<number, number | undefined, number>;
  /** JSON object: error kind → count. */
  errors_by_kind: ColumnType<string, string | undefined, string>;
  note: string | null;
}

export interface ChannelDailyTable {
  channel_id: number;
  day: string;
  subscribers: number;
  carried: Flag;
  observed_at: number;
}

export interface RegionDailyTable {
  region_code: string;
  category: string;
  day: string;
  channels: number;
  subscribers: number;
  /** Rows usable at the day by the 14-day rule (observed at or after the start of day − 14), Σ their values. */
  fresh: ColumnType<number, number | undefined, number>;
  fresh_subscribers: ColumnType<number, number | undefined, number>;
  /** Channels whose series currently ends on this day, Σ their values (usable for 14 more days). */
  ending: ColumnType<number, number | undefined, number>;
  ending_subscribers: ColumnType<number, number | undefined, number>;
  /** Latest observation among the rows. */
  max_observed_at: number | null;
}

/** Register counters per region × category, kept by database triggers (migration 2026-11-29T0200). */
export interface RegionChannelsTable {
  region_code: string;
  category: string;
  /** Channels not removed, and removed channels. */
  channels: number;
  removed: number;
  /** Of the channels not removed: posting known, page checked, page complete, checked without stored completeness. */
  posting: number;
  checked: number;
  complete: number;
  pages_unknown: number;
  /** Channels whose posts are not reflected in region_activity (moved, deleted, posting known late). */
  posting_stale: number;
}

/** Channels at or above the default activity threshold per region × category × day (migration 2026-11-29T0200). */
export interface RegionActivityTable {
  region_code: string;
  category: string;
  day: string;
  active: number;
}

export interface AppSettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface PublishedRatingsTable {
  id: Generated<number>;
  methodology_id: string;
  methodology_version: string;
  /** JSON of the methodology parameters used. */
  parameters: string;
  scope: string;
  rating_date: string;
  /** Latest observation time among the inputs (ISO). */
  inputs_observed_until: string | null;
  /** The RatingTable as JSON, exactly as published. */
  table_json: string;
  title: string | null;
  created_at: string;
  created_by: string | null;
}

export interface AnomalyFlagsTable {
  id: Generated<number>;
  channel_id: number;
  /** 'spike' | 'drop' | 'sudden_loss' | 'growth_without_views' */
  rule: string;
  day: string;
  value: number;
  expected: number | null;
  score: number | null;
  reason_ru: string;
  reason_en: string;
  /** 'open' | 'confirmed' | 'dismissed' */
  status: ColumnType<string, string | undefined, string>;
  /** 'carry' | 'level': how a confirmed spike/drop is removed from the data. */
  exclusion_mode: ColumnType<string, string | undefined, string>;
  detected_at: string;
  reviewed_at: string | null;
  reviewed_by: string | null;
  review_comment: string | null;
}

export interface AnomalyFlagReviewsTable {
  id: Generated<number>;
  flag_id: number;
  /** 'confirmed' | 'dismissed' | 'reopened' */
  status: string;
  exclusion_mode: string | null;
  comment: string;
  reviewed_by: string | null;
  reviewed_at: string;
}

/** People who sign in (src/access/). Logins are lower case; passwords only as scrypt hashes. */
export interface UsersTable {
  id: Generated<number>;
  login: string;
  display_name: string;
  password_hash: string;
  /** 'admin' | 'operator' | 'analyst' */
  role: string;
  disabled: ColumnType<Flag, Flag | undefined, Flag>;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface UserRegionsTable {
  user_id: number;
  region_code: string;
}

/** Browser sessions: id is the SHA-256 (hex) of the secret in the cookie. */
export interface SessionsTable {
  id: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
}

/** API tokens: only the SHA-256 (hex) of the token is stored. */
export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  role: string;
  /** JSON array of region codes. */
  regions: ColumnType<string, string | undefined, string>;
  created_by: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Append-only log of every change: who, when, what, before and after (JSON). */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  /** 'user' | 'token' | 'cli' | 'system' */
  actor_kind: string;
  actor_id: number | null;
  actor_name: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  region_code: string | null;
  before: string | null;
  after: string | null;
  ip: string | null;
}

export interface DB {
  regions: RegionsTable;
  region_population: RegionPopulationTable;
  organisations: OrganisationsTable;
  channels: ChannelsTable;
  observations: ObservationsTable;
  posts: PostsTable;
  post_observations: PostObservationsTable;
  channel_state: ChannelStateTable;
  collection_runs: CollectionRunsTable;
  channel_daily: ChannelDailyTable;
  region_daily: RegionDailyTable;
  region_channels: RegionChannelsTable;
  region_activity: RegionActivityTable;
  app_settings: AppSettingsTable;
  published_ratings: PublishedRatingsTable;
  anomaly_flags: AnomalyFlagsTable;
  anomaly_flag_reviews: AnomalyFlagReviewsTable;
  users: UsersTable;
  user_regions: UserRegionsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
}

export type Region = Selectable<RegionsTable>;
export type RegionPopulation = Selectable<RegionPopulationTable>;
export type Organisation = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;
export type OrganisationUpdate = Updateable<OrganisationsTable>;
export type Channel = Selectable<ChannelsTable>;
export type NewChannel = Insertable<ChannelsTable>;
export type ChannelUpdate = Updateable<ChannelsTable>;
export type Observation = Selectable<ObservationsTable>;
export type NewObservation = Insertable<ObservationsTable>;
export type ChannelState = Selectable<ChannelStateTable>;
export type CollectionRun = Selectable<CollectionRunsTable>;

/** A count(*) result: PostgreSQL returns bigint as string before the seam parses it. */
export type CountColumn = ColumnType<number, never, never>;
