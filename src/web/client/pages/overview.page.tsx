import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import { Link } from '../components/link.tsx';
import { EmptyState, ErrorState } from '../components/states.tsx';
import { formatDate, formatNumber } from '../format.ts';
import { useLang, useT } from '../i18n.ts';
import { useRegions } from '../queries.ts';
import { useTitle } from './use-title.ts';

/** Totals from the register now; the analytics block is a designed placeholder until collection runs. */

function Figure({
  label,
  value,
  note,
  testId,
  loading,
}: {
  label: string;
  value: string;
  note?: string;
  testId: string;
  loading: boolean;
}) {
  return (
    <div className="figure" data-testid={testId}>
      <dt className="figure__label">{label}</dt>
      <dd className="figure__value" aria-busy={loading}>
        {loading ? <span className="skeleton" /> : value}
      </dd>
      {note && <dd className="figure__note">{note}</dd>}
    </div>
  );
}

export function OverviewPage() {
  const t = useT();
  const lang = useLang();
  useTitle(t('nav.overview'));
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
  const error = regions.error ?? channels.error ?? active.error;

  return (
    <>
      <header className="page-head">
        <h1>{t('overview.title')}</h1>
        <p className="lead">{t('overview.lead')}</p>
      </header>

      {error && (
        <ErrorState
          error={error}
          onRetry={() => {
            void regions.refetch();
            void channels.refetch();
            void active.refetch();
          }}
        />
      )}

      <section aria-labelledby="register-figures">
        <h2 id="register-figures" className="section-title">
          {t('overview.register')}
        </h2>
        <dl className="figures">
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
          <Figure
            testId="figure-channels"
            label={t('overview.channels')}
            value={formatNumber(channels.data?.total, lang)}
            note={t('overview.channelsNote')}
            loading={channels.isPending}
          />
          <Figure
            testId="figure-active"
            label={t('overview.active')}
            value={formatNumber(active.data?.total, lang)}
            note={t('overview.activeNote')}
            loading={active.isPending}
          />
        </dl>
      </section>

      <section aria-labelledby="reach-figures" className="section">
        <h2 id="reach-figures" className="section-title">
          {t('overview.reach')}
        </h2>
        <div className="panel panel--placeholder">
          <EmptyState icon="chart" title={t('overview.analytics.title')}>
            <p>{t('overview.analytics.text')}</p>
            <ul className="placeholder-list">
              <li>{t('overview.analytics.item1')}</li>
              <li>{t('overview.analytics.item2')}</li>
              <li>{t('overview.analytics.item3')}</li>
            </ul>
          </EmptyState>
        </div>
      </section>

      <section className="section quick-links" aria-label={t('overview.next')}>
        <Link className="card-link" to="/regions">
          <span className="card-link__title">{t('nav.regions')} →</span>
          <span className="card-link__text">{t('overview.links.regions')}</span>
        </Link>
        <Link className="card-link" to="/register">
          <span className="card-link__title">{t('nav.register')} →</span>
          <span className="card-link__text">{t('overview.links.register')}</span>
        </Link>
        <Link className="card-link" to="/register/import">
          <span className="card-link__title">{t('register.import')} →</span>
          <span className="card-link__text">{t('overview.links.import')}</span>
        </Link>
      </section>
    </>
  );
}
