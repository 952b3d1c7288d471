import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import { Link } from '../components/link.tsx';
import { Figure, OverviewAnalytics } from '../components/overview-analytics.tsx';
import { EmptyState, ErrorState, isAuthError, Loading } from '../components/states.tsx';
import { formatDate, formatDateTime, formatNumber } from '../format.ts';
import { useLang, useT } from '../i18n.ts';
import { useOverview, useRegions } from '../queries.ts';
import { useTitle } from './use-title.ts';

/**
 * The country at a glance: official channels and subscribers now, growth over 7/30/90 days, the growth
 * chart with its forecast and interval (`metric=subscribers|channels` in the URL), channels by category,
 * the channels that moved most in a week; then the register's own totals. Before the first collection
 * the analytics block is a designed placeholder.
 */

export function OverviewPage() {
  const t = useT();
  const lang = useLang();
  useTitle(t('nav.overview'));
  const overview = useOverview();
  const regions = useRegions();
  const channels = useQuery({
    queryKey: ['channels', 'count'],
    queryFn: () => api.channels({ per_page: 1 }),
  });
  const active = useQuery({
    queryKey: ['channels', 'count', 'active'],
    queryFn: () => api.channels({ per_page: 1, status: ['active'] }),
  });

  const items = regions.data?.items ?? [];
  const population = items.reduce((sum, r) => sum + (r.population ?? 0), 0);
  const withPopulation = items.filter((r) => r.population !== null).length;
  const latestAsOf = items.reduce<string | null>(
    (latest, r) =>
      r.population_as_of && (!latest || r.population_as_of > latest) ? r.population_as_of : latest,
    null,
  );
  // The register's own counts need a signed-in reader; a visitor just does not see them.
  const registerError = [regions.error, channels.error, active.error].find((e) => e && !isAuthError(e));
  const data = overview.data;

  return (
    <>
      <header className="page-head">
        <h1>{t('overview.title')}</h1>
        <p className="lead">{t('overview.lead')}</p>
      </header>

      <section aria-labelledby="reach-figures">
        <div className="panel__head">
          <h2 id="reach-figures" className="section-title">
            {t('overview.reach')}
          </h2>
          {data && data.totals.channels > 0 && (
            <span className="as-of" data-testid="overview-as-of">
              {t('overview.asOf', { date: formatDate(data.asOf, lang) })}
              {data.inputsObservedUntil &&
                ` · ${t('rating.observedUntil', { time: formatDateTime(data.inputsObservedUntil, lang) })}`}
            </span>
          )}
        </div>
        {overview.isPending && <Loading />}
        {overview.isError && <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />}
        {data &&
          (data.totals.channels === 0 ? (
            <div className="panel panel--placeholder">
              <EmptyState
                icon="chart"
                title={t('overview.analytics.title')}
                action={
                  <Link className="button" to="/collection">
                    {t('nav.collection')}
                  </Link>
                }
              >
                <p>{t('overview.analytics.text')}</p>
                <ul className="placeholder-list">
                  <li>{t('overview.analytics.item1')}</li>
                  <li>{t('overview.analytics.item2')}</li>
                  <li>{t('overview.analytics.item3')}</li>
                </ul>
              </EmptyState>
            </div>
          ) : (
            <OverviewAnalytics data={data} />
          ))}
      </section>

      <section aria-labelledby="register-figures" className="section">
        <h2 id="register-figures" className="section-title">
          {t('overview.register')}
        </h2>
        {registerError && (
          <ErrorState
            error={registerError}
            onRetry={() => {
              void regions.refetch();
              void channels.refetch();
              void active.refetch();
            }}
          />
        )}
        <dl className="figures figures--compact">
          <Figure
            testId="figure-regions"
            label={t('overview.regions')}
            value={formatNumber(regions.data?.total, lang)}
            note={t('overview.regionsNote')}
            loading={regions.isPending}
          />
          <Figure
            testId="figure-population"
            label={t('overview.population')}
            value={formatNumber(population, lang)}
            note={
              latestAsOf
                ? t('overview.populationNote', {
                    date: formatDate(latestAsOf, lang),
                    n: formatNumber(withPopulation, lang),
                  })
                : undefined
            }
            loading={regions.isPending}
          />
          {!isAuthError(channels.error) && (
            <Figure
              testId="figure-channels"
              label={t('overview.channels')}
              value={formatNumber(channels.data?.total, lang)}
              note={t('overview.channelsNote')}
              loading={channels.isPending}
            />
          )}
          {!isAuthError(active.error) && (
            <Figure
              testId="figure-active"
              label={t('overview.active')}
              value={formatNumber(active.data?.total, lang)}
              note={t('overview.activeNote')}
              loading={active.isPending}
            />
          )}
        </dl>
      </section>

      <section className="section quick-links" aria-label={t('overview.next')}>
        <Link className="card-link" to="/rating">
          <span className="card-link__title">{t('nav.rating')} →</span>
          <span className="card-link__text">{t('overview.links.rating')}</span>
        </Link>
        <Link className="card-link" to="/regions">
          <span className="card-link__title">{t('nav.regions')} →</span>
          <span className="card-link__text">{t('overview.links.regions')}</span>
        </Link>
        <Link className="card-link" to="/register">
          <span className="card-link__title">{t('nav.register')} →</span>
          <span className="card-link__text">{t('overview.links.register')}</span>
        </Link>
        <Link className="card-link" to="/methodology">
          <span className="card-link__title">{t('nav.methodology')} →</span>
          <span className="card-link__text">{t('overview.links.methodology')}</span>
        </Link>
      </section>
    </>
  );
}
