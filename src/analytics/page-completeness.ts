import { pageCompleteness } from './metrics.ts';
import { profileOf } from './rating-inputs.repository.ts';

/**
 * Page completeness as stored in `channel_state.page_complete` (1 complete, 0 not): the same
 * `pageCompleteness(profileOf(row))` the per-channel figures use, computed once when the profile is written so
 * that region counters (`region_channels`) can add it up in the database.
 */
export interface ProfileColumns {
  profile_title: string | null;
  profile_description: string | null;
  profile_icon_url: string | null;
  profile_link: string | null;
}

export function pageCompleteFlag(row: ProfileColumns): 0 | 1 {
  return pageCompleteness(profileOf(row)).complete ? 1 : 0;
}

const PROFILE_COLUMNS = ['profile_title', 'profile_description', 'profile_icon_url', 'profile_link'] as const;

/**
 * The `page_complete` value to store with a channel_state patch: computed when the patch carries the whole
 * profile, null (unknown: computed when read) when it changes only part of it, absent when it touches none.
 */
export function pageCompletePatch(patch: Partial<ProfileColumns>): { page_complete?: 0 | 1 | null } {
  const given = PROFILE_COLUMNS.filter((c) => c in patch);
  if (given.length === 0) return {};
  if (given.length < PROFILE_COLUMNS.length) return { page_complete: null };
  return { page_complete: pageCompleteFlag(patch as ProfileColumns) };
}
