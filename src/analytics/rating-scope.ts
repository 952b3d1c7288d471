import { ValidationError } from '../shared/errors.ts';
import type { Scope } from './methodology.ts';

/**
 * What a rating ranks: the regions of the country; channels (optionally of one category and/or one region);
 * or the municipalities inside one region. Stored with a published rating as its canonical key
 * (`regions`, `channels:school:RU-BA`, `channels:*:*`, `municipalities:RU-BA`).
 */
export interface RatingScope {
  kind: Scope;
  /** channels: register category code, or null for every category. */
  category: string | null;
  /** channels: only this region (null = all); municipalities: the region (required). */
  region: string | null;
}

export const REGIONS_SCOPE: RatingScope = { kind: 'regions', category: null, region: null };

/** Validates and normalises a scope (region codes upper-cased; a regions scope has no filters). */
export function ratingScope(input: {
  kind?: string | null;
  category?: string | null;
  region?: string | null;
}): RatingScope {
  const kind = input.kind ?? 'regions';
  const category = input.category?.trim() || null;
  const region = input.region?.trim().toUpperCase() || null;
  if (kind === 'regions') {
    if (category || region) {
      throw new ValidationError('a rating of regions takes no category or region filter', {
        scope: kind,
        category,
        region,
      });
    }
    return REGIONS_SCOPE;
  }
  if (kind === 'channels') return { kind, category, region };
  if (kind === 'municipalities') {
    if (!region) throw new ValidationError('a rating of municipalities needs the region (e.g. region=RU-BA)');
    if (category) throw new ValidationError('a rating of municipalities takes no category filter');
    return { kind, category: null, region };
  }
  throw new ValidationError(`unknown scope "${kind}" (regions, channels, municipalities)`);
}

export function scopeKey(scope: RatingScope): string {
  if (scope.kind === 'regions') return 'regions';
  if (scope.kind === 'municipalities') return `municipalities:${scope.region}`;
  return `channels:${scope.category ?? '*'}:${scope.region ?? '*'}`;
}

/** Inverse of `scopeKey`. */
export function parseScopeKey(key: string): RatingScope {
  const [kind, a, b] = key.split(':');
  if (kind === 'municipalities') return ratingScope({ kind, region: a ?? null });
  if (kind === 'channels') {
    return ratingScope({ kind, category: a === '*' ? null : a, region: b === '*' ? null : b });
  }
  return ratingScope({ kind });
}
