import { lazy, Suspense, useCallback, useMemo } from 'react';
import type { Methodology, RatingTable as Rating, RatingRow, RatingScopeKind, Region } from '../api.ts';
import { quantileClasses } from '../choropleth.ts';
import { formatDate, formatDateTime, formatNumber } from '../format.ts';
import { type Translate, useLang, useT } from '../i18n.ts';
import { formatIndicator, formatScore } from '../indicator-format.ts';
import { label } from '../lists.ts';
import { regionName as nameOf, useRegions } from '../queries.ts';
import { href, navigate, useQueryState } from '../router.ts';
import { FilterBar, SearchBox, SelectFilter } from './filters.tsx';
import {
  DEFAULT_RATING_SORT,
  indicatorAscending,
  indicatorTitle,
  RatingTable,
  ratingIndicatorKeys,
  scoreHeader,
  sortRatingRows,
} from './rating-table.tsx';
import type { MapLayer } from './region-map.tsx';
import { EmptyState, Loading } from './states.tsx';
import { parseSortParam, sortParamOf } from './table.tsx';

const RegionMap = lazy(() => import('./region-map.tsx').then((m) => ({ default: m.RegionMap })));

/**
 * A rating as the rating page and a published rating show it: the map coloured by the chosen indicator
 * (`indicator` in the URL; the place by default; regions only), the search box (`q`) and the sortable table
 * (`sort`), whose first column is the rated object — a region, a channel (linked to its page) or a
 * municipality — by the table's scope.
 */

/** Name of the municipality row of channels without one (the server's key). */
const NO_MUNICIPALITY_KEY = '-';

export function scopeKindOf(table: Rating): RatingScopeKind {
  return table.scope?.kind ?? 'regions';
}

/** «Каналы: Школы · Республика Башкортостан», «Муниципалитеты: …», or null for regions. */
export function scopeSummary(
  scope: { kind: RatingScopeKind; category: string | null; region: string | null } | undefined,
  t: Translate,
  lang: 'ru' | 'en',
  regionName: (code: string) => string,
): string | null {
  if (!scope || scope.kind === 'regions') return null;
  if (scope.kind === 'municipalities') {
    return t('rating.scope.summary.municipalities', { region: scope.region ? regionName(scope.region) : '' });
  }
  return t('rating.scope.summary.channels', {
    category: scope.category ? label('category', scope.category, lang) : t('rating.scope.allCategories'),
    region: scope.region ? regionName(scope.region) : t('rating.scope.allRegions'),
  });
}

/** The region's name by its code in the interface language (the code while the regions load). */
export function useRegionNames(): (code: string) => string {
  const lang = useLang();
  const regions = useRegions();
  const byCode = useMemo(() => new Map((regions.data?.items ?? []).map((r) => [r.code, r])), [regions.data]);
  return useCallback(
    (code: string) => {
      const region = byCode.get(code);
      return region ? nameOf(region, lang) : code;
    },
    [byCode, lang],
  );
}

function fold(text: string): string {
  return text.toLowerCase().replaceAll('ё', 'е');
}

export function ratingTitle(
  methodology: Methodology | undefined,
  lang: 'ru' | 'en',
  fallback: string,
): string {
  if (!methodology) return fallback;
  return lang === 'en' ? methodology.title_en : methodology.title_ru;
}

/** «Рейтинг на 28.11.2026 · данные по 28.11.2026, 23:00» — the as-of of every figure in the table. */
export function RatingAsOf({ table }: { table: Rating }) {
  const t = useT();
  const lang = useLang();
  return (
    <p className="as-of" data-testid="rating-as-of">
      {t('rating.asOf', { date: formatDate(table.asOf, lang) })}
      {table.inputsObservedUntil &&
        ` · ${t('rating.observedUntil', { time: formatDateTime(table.inputsObservedUntil, lang) })}`}
      {table.previous && ` · ${t('rating.changeSince', { date: formatDate(table.previous.asOf, lang) })}`}
    </p>
  );
}

export function RatingView({ table, methodology }: { table: Rating; methodology: Methodology | undefined }) {
  const t = useT();
  const lang = useLang();
  const query = useQueryState();
  const regions = useRegions();
  const q = query.get('q');
  const parsed = parseSortParam(query.get('sort'));
  const kind = scopeKindOf(table);
  const keys = useMemo(() => ratingIndicatorKeys(table, methodology), [table, methodology]);
  const validSort =
    parsed &&
    (['place', 'name', 'change', 'score'].includes(parsed.key) ||
      (parsed.key.startsWith('i.') && keys.includes(parsed.key.slice(2))))
      ? parsed
      : DEFAULT_RATING_SORT;
  const indicatorParam = query.get('indicator');
  const indicator = indicatorParam === 'score' || keys.includes(indicatorParam) ? indicatorParam : 'place';

  const regionByCode = useMemo(
    () => new Map((regions.data?.items ?? []).map((r) => [r.code, r])),
    [regions.data],
  );
  const regionName = useCallback(
    (code: string, fallback: string) => {
      const region = regionByCode.get(code);
      return region ? nameOf(region, lang) : fallback;
    },
    [regionByCode, lang],
  );
  const rowName = useCallback(
    (row: RatingRow) => {
      if (kind === 'regions') return regionName(row.key, row.name);
      if (kind === 'municipalities' && row.key === NO_MUNICIPALITY_KEY) return t('rating.noMunicipality');
      return row.name;
    },
    [kind, regionName, t],
  );
  const rowLink = useCallback(
    (row: RatingRow): string | null => {
      if (kind === 'regions') return `/regions/${row.key}`;
      if (kind === 'channels' && /^\d+$/.test(row.key)) return `/channels/${row.key}`;
      return null;
    },
    [kind],
  );

  const rows = useMemo(() => {
    const needle = fold(q.trim());
    const region = (row: RatingRow) => (kind === 'regions' ? regionByCode.get(row.key) : undefined);
    const filtered = needle
      ? table.rows.filter((row) =>
          fold(`${row.name} ${rowName(row)} ${region(row)?.name_en ?? ''} ${row.key}`).includes(needle),
        )
      : table.rows;
    return sortRatingRows(filtered, validSort, rowName, lang);
  }, [table.rows, q, validSort, rowName, lang, regionByCode, kind]);

  const combination = table.methodology.combination;
  const indicatorLabel = useCallback(
    (key: string) => {
      if (key === 'place') return t('rating.col.place');
      if (key === 'score') return scoreHeader(t, combination);
      return indicatorTitle(methodology, key, lang);
    },
    [t, lang, methodology, combination],
  );

  const layer = useMemo((): MapLayer => {
    const byCode = new Map(table.rows.map((r) => [r.key, r]));
    const valueOfRow = (row: RatingRow | undefined): number | null => {
      if (!row) return null;
      if (indicator === 'place') return row.place;
      if (indicator === 'score') return row.score;
      return row.indicators[indicator]?.value ?? null;
    };
    const format = (value: number) =>
      indicator === 'place'
        ? formatNumber(value, lang)
        : indicator === 'score'
          ? formatScore(combination, value, lang)
          : formatIndicator(indicator, value, lang);
    const lowerIsBetter =
      indicator === 'place' ||
      (indicator === 'score' && combination === 'rank_average') ||
      indicatorAscending(methodology, indicator);
    const classes = quantileClasses(table.rows.map(valueOfRow), !lowerIsBetter).map((c) => ({
      ...c,
      label: c.min === c.max ? format(c.min) : `${format(c.min)} – ${format(c.max)}`,
    }));
    return {
      valueOf: (region: Region) => valueOfRow(byCode.get(region.code)),
      classes,
      tooltipLines: (region: Region) => {
        const row = byCode.get(region.code);
        if (!row) return [t('rating.map.noRow')];
        const lines = [
          row.place === null
            ? t('rating.map.unranked')
            : t('rating.map.place', { n: formatNumber(row.place, lang) }),
          `${scoreHeader(t, combination)}: ${formatScore(combination, row.score, lang)}`,
        ];
        for (const key of keys) {
          const cell = row.indicators[key];
          const place = cell?.place
            ? ` (${t('rating.indicatorPlace', { n: formatNumber(cell.place, lang) })})`
            : '';
          lines.push(`${indicatorLabel(key)}: ${formatIndicator(key, cell?.value, lang)}${place}`);
        }
        if (row.flags.length > 0)
          lines.push(t('rating.map.flags', { n: formatNumber(row.flags.length, lang) }));
        return lines;
      },
      label: t('rating.map.label', { indicator: indicatorLabel(indicator) }),
      noDataLabel: t('rating.map.noData'),
    };
  }, [table.rows, combination, indicator, methodology, lang, t, keys, indicatorLabel]);

  const openRegion = useCallback((code: string) => navigate(href(`/regions/${code}`)), []);
  const ranked = table.rows.filter((r) => r.place !== null).length;

  return (
    <>
      {kind === 'regions' && (
        <section className="panel section print-keep" aria-labelledby="rating-map-title">
          <div className="panel__head">
            <h2 id="rating-map-title" className="section-title">
              {t('rating.map.title', { indicator: indicatorLabel(indicator) })}
            </h2>
            <div className="field field--inline no-print">
              <SelectFilter
                name="indicator"
                label={t('rating.map.indicator')}
                allLabel={t('rating.col.place')}
                value={indicator === 'place' ? '' : indicator}
                options={[
                  { value: 'score', label: indicatorLabel('score') },
                  ...keys.map((key) => ({ value: key, label: indicatorLabel(key) })),
                ]}
                onChange={(value) => query.set({ indicator: value }, { replace: true })}
              />
            </div>
          </div>
          {regions.data ? (
            <Suspense fallback={<Loading label={t('regions.map.loading')} />}>
              <RegionMap regions={regions.data.items} onSelect={openRegion} layer={layer} height={420} />
            </Suspense>
          ) : (
            <Loading label={t('regions.map.loading')} />
          )}
        </section>
      )}

      <section className="section" aria-labelledby="rating-table-title">
        <h2 id="rating-table-title" className="section-title">
          {t('rating.table.title')}
        </h2>
        <FilterBar onReset={q ? () => query.set({ q: null }) : undefined} resetLabel={t('filters.reset')}>
          <SearchBox
            label={t('filters.search')}
            placeholder={
              kind === 'channels'
                ? t('rating.search.channels')
                : kind === 'municipalities'
                  ? t('rating.search.municipalities')
                  : t('rating.search')
            }
            value={q}
            onChange={(value) => query.set({ q: value }, { replace: true })}
          />
        </FilterBar>
        <p className="result-count" aria-live="polite">
          {t('rating.count', {
            n: formatNumber(rows.length, lang),
            total: formatNumber(table.rows.length, lang),
            ranked: formatNumber(ranked, lang),
          })}
        </p>
        {rows.length === 0 ? (
          <EmptyState
            title={t(kind === 'regions' ? 'regions.empty.title' : 'rating.rows.empty.title')}
            action={
              <button type="button" className="button" onClick={() => query.set({ q: null })}>
                {t('filters.reset')}
              </button>
            }
          >
            {t('regions.empty.text')}
          </EmptyState>
        ) : (
          <RatingTable
            table={table}
            methodology={methodology}
            rows={rows}
            keys={keys}
            nameHeader={t(
              kind === 'channels'
                ? 'rating.col.channel'
                : kind === 'municipalities'
                  ? 'rating.col.municipality'
                  : 'rating.col.region',
            )}
            nameOf={rowName}
            linkOf={rowLink}
            sort={validSort}
            onSort={(next) =>
              query.set({
                sort: sortParamOf(next) === sortParamOf(DEFAULT_RATING_SORT) ? null : sortParamOf(next),
              })
            }
            caption={t('rating.table.title')}
          />
        )}
      </section>
    </>
  );
}
