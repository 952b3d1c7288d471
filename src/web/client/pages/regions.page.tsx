import { lazy, Suspense, useCallback, useMemo } from 'react';
import type { Region } from '../api.ts';
import { FilterBar, SearchBox, SelectFilter } from '../components/filters.tsx';
import { Link } from '../components/link.tsx';
import { EmptyState, ErrorState, Loading } from '../components/states.tsx';
import { type Column, parseSortParam, sortParamOf, Table, type TableSort } from '../components/table.tsx';
import { formatDate, formatNumber } from '../format.ts';
import { FEDERAL_DISTRICTS, federalDistrictLabel, useLang, useT } from '../i18n.ts';
import { regionName, useRegions } from '../queries.ts';
import { href, navigate, useQueryState } from '../router.ts';
import { useTitle } from './use-title.ts';

const RegionMap = lazy(() => import('../components/region-map.tsx').then((m) => ({ default: m.RegionMap })));

/** Folds case and ё so «орёл» finds «Орловская». */
function fold(text: string): string {
  return text.toLowerCase().replaceAll('ё', 'е');
}

const SORT_KEYS = ['name', 'code', 'federal_district', 'population', 'population_as_of'] as const;
type SortKey = (typeof SORT_KEYS)[number];

function compareBy(key: SortKey, lang: 'ru' | 'en'): (a: Region, b: Region) => number {
  const text = (a: string, b: string) => a.localeCompare(b, lang);
  switch (key) {
    case 'name':
      return (a, b) => text(regionName(a, lang), regionName(b, lang));
    case 'code':
      return (a, b) => text(a.code, b.code);
    case 'federal_district':
      return (a, b) =>
        text(
          federalDistrictLabel(a.federal_district, lang),
          federalDistrictLabel(b.federal_district, lang),
        ) || text(regionName(a, lang), regionName(b, lang));
    case 'population':
      return (a, b) => (a.population ?? -1) - (b.population ?? -1);
    case 'population_as_of':
      return (a, b) => text(a.population_as_of ?? '', b.population_as_of ?? '');
  }
}

export function RegionsPage() {
  const t = useT();
  const lang = useLang();
  useTitle(t('nav.regions'));
  const query = useQueryState();
  const regions = useRegions();
  const q = query.get('q');
  const fd = query.get('fd');
  const parsed = parseSortParam(query.get('sort'));
  const sort: TableSort =
    parsed && (SORT_KEYS as readonly string[]).includes(parsed.key) ? parsed : { key: 'name', order: 'asc' };

  const rows = useMemo(() => {
    const all = regions.data?.items ?? [];
    const needle = fold(q.trim());
    const filtered = all.filter(
      (r) =>
        (!fd || r.federal_district === fd) &&
        (!needle || fold(`${r.name_ru} ${r.name_en} ${r.code} ${r.capital ?? ''}`).includes(needle)),
    );
    const compare = compareBy(sort.key as SortKey, lang);
    filtered.sort((a, b) => (sort.order === 'asc' ? compare(a, b) : compare(b, a)));
    return filtered;
  }, [regions.data, q, fd, sort.key, sort.order, lang]);

  // The newest population estimate shown (Rosstat's date for 85 regions; DPR has its own, older one).
  const populationAsOf = useMemo(
    () =>
      (regions.data?.items ?? []).reduce<string | null>(
        (latest, r) =>
          r.population_as_of && (!latest || r.population_as_of > latest) ? r.population_as_of : latest,
        null,
      ),
    [regions.data],
  );

  const open = useCallback((code: string) => navigate(href(`/regions/${code}`)), []);

  const columns: Column<Region>[] = [
    {
      key: 'name',
      header: t('regions.col.name'),
      sortable: true,
      className: 'col-title',
      render: (r) => (
        <Link to={`/regions/${r.code}`} tabIndex={-1}>
          {regionName(r, lang)}
        </Link>
      ),
    },
    { key: 'code', header: t('regions.col.code'), sortable: true, className: 'mono', render: (r) => r.code },
    {
      key: 'federal_district',
      header: t('regions.col.fd'),
      sortable: true,
      render: (r) => federalDistrictLabel(r.federal_district, lang),
    },
    {
      key: 'population',
      header: t('regions.col.population'),
      sortable: true,
      numeric: true,
      firstOrder: 'desc',
      render: (r) => formatNumber(r.population, lang),
    },
    {
      key: 'population_as_of',
      header: t('regions.col.asOf'),
      sortable: true,
      className: 'nowrap',
      render: (r) => formatDate(r.population_as_of, lang),
    },
  ];

  const reset = () => query.set({ q: null, fd: null });

  return (
    <>
      <header className="page-head">
        <h1>{t('regions.title')}</h1>
        <p className="lead">{t('regions.lead')}</p>
      </header>

      {regions.isPending && <Loading />}
      {regions.isError && <ErrorState error={regions.error} onRetry={() => void regions.refetch()} />}
      {regions.data && (
        <>
          <section className="panel" aria-labelledby="map-title">
            <div className="panel__head">
              <h2 id="map-title" className="section-title">
                {t('regions.map.title')}
              </h2>
              {populationAsOf && (
                <span className="as-of">
                  {t('regions.map.asOf', { date: formatDate(populationAsOf, lang) })}
                </span>
              )}
            </div>
            <Suspense fallback={<Loading label={t('regions.map.loading')} />}>
              <RegionMap regions={regions.data.items} onSelect={open} />
            </Suspense>
          </section>

          <section className="section" aria-labelledby="table-title">
            <h2 id="table-title" className="section-title">
              {t('regions.table.title')}
            </h2>
            <FilterBar onReset={q || fd ? reset : undefined} resetLabel={t('filters.reset')}>
              <SearchBox
                label={t('filters.search')}
                placeholder={t('regions.search')}
                value={q}
                onChange={(value) => query.set({ q: value }, { replace: true })}
              />
              <SelectFilter
                name="fd"
                label={t('regions.col.fd')}
                allLabel={t('regions.fd.all')}
                value={fd}
                options={FEDERAL_DISTRICTS.map((name) => ({
                  value: name,
                  label: federalDistrictLabel(name, lang),
                }))}
                onChange={(value) => query.set({ fd: value })}
              />
            </FilterBar>
            <p className="result-count" aria-live="polite">
              {t('regions.count', {
                n: formatNumber(rows.length, lang),
                total: formatNumber(regions.data.total, lang),
              })}
            </p>
            {rows.length === 0 ? (
              <EmptyState
                title={t('regions.empty.title')}
                action={
                  <button type="button" className="button" onClick={reset}>
                    {t('filters.reset')}
                  </button>
                }
              >
                {t('regions.empty.text')}
              </EmptyState>
            ) : (
              <Table
                caption={t('regions.table.title')}
                columns={columns}
                rows={rows}
                rowKey={(r) => r.code}
                rowLabel={(r) => regionName(r, lang)}
                sort={sort}
                onSort={(next) =>
                  query.set({ sort: sortParamOf(next) === 'name' ? null : sortParamOf(next) })
                }
                onActivate={(r) => open(r.code)}
                testId="regions-table"
              />
            )}
          </section>
        </>
      )}
    </>
  );
}
