import { lazy, Suspense, useCallback, useMemo } from 'react';
import { ApiError } from '../api.ts';
import { ChannelBrowser } from '../components/channel-browser.tsx';
import { Link } from '../components/link.tsx';
import { PrintButton, PrintHeader } from '../components/print-header.tsx';
import { RegionSummaryView } from '../components/region-summary.tsx';
import { EmptyState, ErrorState, Loading } from '../components/states.tsx';
import { formatAxisTick, formatDate, formatNumber } from '../format.ts';
import { federalDistrictLabel, regionTypeLabel, useLang, useT } from '../i18n.ts';
import { regionName, useRegion, useRegionSummary } from '../queries.ts';
import { useTitle } from './use-title.ts';

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const Chart = lazy(() => import('../components/chart.tsx').then((m) => ({ default: m.Chart })));

/** One region: its reference figures, population history, and the channels registered for it. */
export function RegionPage({ code }: { code: string }) {
  const t = useT();
  const lang = useLang();
  const region = useRegion(code);
  const summary = useRegionSummary(code);
  useTitle(region.data ? regionName(region.data, lang) : code);

  const history = region.data?.population_history ?? [];
  const categories = useMemo(() => history.map((p) => formatDate(p.as_of, lang)), [history, lang]);
  const values = useMemo(() => history.map((p) => p.population), [history]);
  const formatValue = useCallback((v: number) => formatNumber(v, lang), [lang]);
  const formatAxis = useCallback((v: number) => formatAxisTick(v, lang), [lang]);

  if (region.isPending) return <Loading />;
  if (region.isError) {
    if (region.error instanceof ApiError && region.error.status === 404) {
      return (
        <EmptyState
          title={t('region.notFound', { code })}
          action={
            <Link className="button" to="/regions">
              {t('region.back')}
            </Link>
          }
        />
      );
    }
    return <ErrorState error={region.error} onRetry={() => void region.refetch()} />;
  }
  const r = region.data;

  return (
    <>
      <PrintHeader
        title={regionName(r, lang)}
        subtitle={
          summary.data
            ? t('region.summary.asOf', {
                date: formatDate(summary.data.asOf, lang),
                from: formatDate(summary.data.periodStart, lang),
              })
            : undefined
        }
      />
      <nav className="breadcrumbs" aria-label={t('breadcrumbs')}>
        <Link to="/regions">{t('nav.regions')}</Link> <span aria-hidden="true">/</span> <span>{r.code}</span>
      </nav>
      <header className="page-head page-head--actions">
        <div>
          <h1>{regionName(r, lang)}</h1>
          <p className="lead">
            {capitalise(regionTypeLabel(r.type, lang))} ·{' '}
            {t('regions.fdShort', { fd: federalDistrictLabel(r.federal_district, lang) })}
            {r.capital ? ` · ${t('region.capital')}: ${r.capital}` : ''}
          </p>
        </div>
        <div className="actions">
          <Link className="button" to="/rating" params={{ q: regionName(r, lang) }}>
            {t('region.toRating')}
          </Link>
          <PrintButton />
        </div>
      </header>

      <dl className="figures">
        <div className="figure" data-testid="figure-region-population">
          <dt className="figure__label">{t('regions.col.population')}</dt>
          <dd className="figure__value">
            {r.population === null ? t('region.noPopulation') : formatNumber(r.population, lang)}
          </dd>
          {r.population_as_of && (
            <dd className="figure__note">
              {t('asOfLong', { date: formatDate(r.population_as_of, lang) })}
              {r.population_source ? ` · ${r.population_source}` : ''}
            </dd>
          )}
        </div>
        <div className="figure">
          <dt className="figure__label">{t('regions.col.code')}</dt>
          <dd className="figure__value figure__value--small mono">{r.code}</dd>
          {r.okato && <dd className="figure__note">{t('region.okato', { okato: r.okato })}</dd>}
        </div>
      </dl>

      {summary.isPending && <Loading />}
      {summary.isError && <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />}
      {summary.data &&
        (summary.data.figures.every((f) => f.value === null) ? (
          <div className="panel panel--placeholder section">
            <EmptyState icon="chart" title={t('overview.reach')}>
              {t('region.analytics')}
            </EmptyState>
          </div>
        ) : (
          <RegionSummaryView summary={summary.data} />
        ))}

      {history.length > 1 && (
        <section className="panel section" aria-labelledby="history-title">
          <h2 id="history-title" className="section-title">
            {t('region.history')}
          </h2>
          <Suspense fallback={<Loading />}>
            <Chart
              kind="bar"
              categories={categories}
              values={values}
              seriesName={t('regions.col.population')}
              formatValue={formatValue}
              formatAxis={formatAxis}
              label={t('region.history')}
            />
          </Suspense>
        </section>
      )}

      <section className="section" aria-labelledby="channels-title">
        <h2 id="channels-title" className="section-title">
          {t('region.channels')}
        </h2>
        <ChannelBrowser fixedRegion={r.code} caption={t('region.channels')} />
      </section>
    </>
  );
}
