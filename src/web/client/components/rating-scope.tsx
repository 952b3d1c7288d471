import { useId, useMemo } from 'react';
import type { RatingScopeKind } from '../api.ts';
import { type Translate, useLang, useT } from '../i18n.ts';
import { optionsOf } from '../lists.ts';
import { regionName, useRegions } from '../queries.ts';
import { useQueryState } from '../router.ts';
import { SelectFilter } from './filters.tsx';

/** What the rating page ranks (regions, channels of a category, municipalities of a region): its controls and titles. */

export const SCOPES: readonly RatingScopeKind[] = ['regions', 'channels', 'municipalities'];

export function scopeTitle(t: Translate, kind: RatingScopeKind): string {
  if (kind === 'channels') return t('rating.title.channels');
  if (kind === 'municipalities') return t('rating.title.municipalities');
  return t('rating.title');
}

export function scopeLead(t: Translate, kind: RatingScopeKind): string {
  if (kind === 'channels') return t('rating.lead.channels');
  if (kind === 'municipalities') return t('rating.lead.municipalities');
  return t('rating.lead');
}

/** Scope, category and region controls; every choice goes to the URL. */
export function ScopeFilters({
  kind,
  scopes,
  category,
  region,
}: {
  kind: RatingScopeKind;
  scopes: readonly RatingScopeKind[];
  category: string;
  region: string;
}) {
  const t = useT();
  const lang = useLang();
  const id = useId();
  const query = useQueryState();
  const regions = useRegions();
  const regionOptions = useMemo(
    () =>
      (regions.data?.items ?? [])
        .map((r) => ({ value: r.code, label: regionName(r, lang) }))
        .sort((a, b) => a.label.localeCompare(b.label, lang)),
    [regions.data, lang],
  );
  // A scope the methodology cannot rate stays listed while it is chosen (its notice explains why).
  const listed = SCOPES.filter((s) => scopes.includes(s) || s === kind);
  if (listed.length < 2) return null;
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-s`} className="field__label">
          {t('rating.scope')}
        </label>
        <select
          id={`${id}-s`}
          name="scope"
          className="input"
          value={kind}
          data-testid="rating-scope"
          onChange={(event) => {
            const next = event.target.value as RatingScopeKind;
            // Indicators, names and the map differ between scopes: their view settings start afresh.
            query.set({
              scope: next === 'regions' ? null : next,
              category: next === 'channels' ? category : null,
              region: next === 'regions' ? null : region,
              indicator: null,
              sort: null,
              q: null,
            });
          }}
        >
          {listed.map((s) => (
            <option key={s} value={s}>
              {t(`rating.scope.${s}`)}
            </option>
          ))}
        </select>
      </div>
      {kind === 'channels' && (
        <SelectFilter
          name="category"
          label={t('filters.category')}
          allLabel={t('filters.category.all')}
          value={category}
          options={optionsOf('category', lang)}
          onChange={(value) => query.set({ category: value, sort: null, q: null })}
        />
      )}
      {kind !== 'regions' && (
        <SelectFilter
          name="region"
          label={t('filters.region')}
          allLabel={kind === 'municipalities' ? t('rating.scope.region.pick') : t('filters.region.all')}
          value={region}
          options={regionOptions}
          onChange={(value) => query.set({ region: value, sort: null, q: null })}
        />
      )}
    </>
  );
}

/** A published rating's scope from its stored key (`regions`, `channels:school:RU-BA`, `municipalities:RU-BA`). */
export function scopeOfKey(key: string): {
  kind: RatingScopeKind;
  category: string | null;
  region: string | null;
} {
  const [kind, a, b] = key.split(':');
  const value = (part: string | undefined) => (part && part !== '*' ? part : null);
  if (kind === 'channels') return { kind, category: value(a), region: value(b) };
  if (kind === 'municipalities') return { kind, category: null, region: value(a) };
  return { kind: 'regions', category: null, region: null };
}
