import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type CollectionRun } from '../api.ts';
import { ErrorsByKind, FailingChannels } from '../components/collection-failures.tsx';
import { Pager } from '../components/pager.tsx';
import { EmptyState, ErrorState, Loading } from '../components/states.tsx';
import { type Column, Table } from '../components/table.tsx';
import { formatDateTime, formatNumber, formatPercent } from '../format.ts';
import { type Translate, useLang, useT } from '../i18n.ts';
import { intParam, useQueryState } from '../router.ts';
import { useTitle } from './use-title.ts';

/**
 * Data collection: the state of collection now (channels due and failing, the rate against the limit),
 * the runs with a progress bar (refreshed every 5 s while a run is running), errors by kind and the
 * failing channels. Filters (`page`, `kind`) live in the URL.
 */

const REFRESH_MS = 5_000;
const RUNS_PER_PAGE = 20;

function statusKey(status: string) {
  switch (status) {
    case 'running':
    case 'finished':
    case 'failed':
    case 'interrupted':
      return `collection.status.${status}` as const;
    default:
      return 'collection.status.other' as const;
  }
}

function isRunning(run: CollectionRun | null | undefined): boolean {
  return run?.status === 'running';
}

/** Requests per second of a run: as reported when finished, from the elapsed time while running. */
export function runRate(run: CollectionRun, now = Date.now()): number | null {
  if (run.requests_per_second !== null) return run.requests_per_second;
  if (run.status !== 'running') return null;
  const seconds = (now - Date.parse(run.started_at)) / 1000;
  return seconds > 0 ? run.requests / seconds : null;
}

function duration(ms: number | null, t: Translate, lang: 'ru' | 'en'): string {
  if (ms === null) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return t('collection.seconds', { n: formatNumber(seconds, lang) });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60)
    return t('collection.minutes', { m: formatNumber(minutes, lang), s: formatNumber(seconds % 60, lang) });
  return t('collection.hours', {
    h: formatNumber(Math.floor(minutes / 60), lang),
    m: formatNumber(minutes % 60, lang),
  });
}

function Progress({ done, total, label }: { done: number; total: number; label: string }) {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  return (
    <div className="progress" title={label}>
      <progress
        className="progress__bar"
        max={Math.max(total, 1)}
        value={Math.min(done, total)}
        aria-label={label}
      />
      <span className="progress__text">{label}</span>
      <span className="visually-hidden">{Math.round(share * 100)} %</span>
    </div>
  );
}

function RateMeter({ rate, limit, running }: { rate: number | null; limit: number; running: boolean }) {
  const t = useT();
  const lang = useLang();
  const share = rate !== null && limit > 0 ? rate / limit : null;
  return (
    <div className="figure figure--wide" data-testid="rate-meter">
      <dt className="figure__label">{t('collection.rate')}</dt>
      <dd className="figure__value figure__value--small">
        {t('collection.rateValue', {
          rate: rate === null ? '—' : formatNumber(rate, lang, 1),
          limit: formatNumber(limit, lang),
        })}
      </dd>
      <dd className="figure__note">
        <meter
          className="meter"
          min={0}
          max={limit}
          value={rate ?? 0}
          optimum={limit * 0.95}
          high={limit * 0.999}
          aria-label={t('collection.rate')}
        />{' '}
        {share === null
          ? t('collection.rateUnknown')
          : t(running ? 'collection.rateShareRunning' : 'collection.rateShare', {
              share: formatPercent(share, lang, share < 0.1 ? 1 : 0),
            })}
      </dd>
    </div>
  );
}

export function CollectionPage() {
  const t = useT();
  const lang = useLang();
  useTitle(t('nav.collection'));
  const query = useQueryState();
  const page = intParam(query.get('page'), 1);
  const runs = useQuery({
    queryKey: ['collection', 'runs', page],
    queryFn: () => api.collectionRuns({ page, per_page: RUNS_PER_PAGE }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some(isRunning) ? REFRESH_MS : false),
  });
  const status = useQuery({
    queryKey: ['collection', 'status'],
    queryFn: api.collectionStatus,
    refetchInterval: (q) => (isRunning(q.state.data?.last_run) ? REFRESH_MS : REFRESH_MS * 6),
  });
  const running = runs.data?.items.some(isRunning) ?? false;
  const last = status.data?.last_run ?? null;

  const columns: Column<CollectionRun>[] = [
    { key: 'id', header: '№', numeric: true, render: (r) => formatNumber(r.id, lang) },
    {
      key: 'status',
      header: t('collection.col.status'),
      render: (r) => (
        <>
          <span className={`badge badge--run-${r.status}`}>{t(statusKey(r.status))}</span>
          <span className="cell-sub">{r.mode}</span>
        </>
      ),
    },
    {
      key: 'started',
      header: t('collection.col.started'),
      className: 'nowrap',
      render: (r) => formatDateTime(r.started_at, lang),
    },
    {
      key: 'duration',
      header: t('collection.col.duration'),
      numeric: true,
      render: (r) =>
        duration(r.duration_ms ?? (isRunning(r) ? Date.now() - Date.parse(r.started_at) : null), t, lang),
    },
    {
      key: 'progress',
      header: t('collection.col.progress'),
      className: 'col-progress',
      render: (r) => {
        const done = r.channels_ok + r.channels_failed;
        return (
          <Progress
            done={done}
            total={r.channels_total}
            label={t('collection.progress', {
              done: formatNumber(done, lang),
              total: formatNumber(r.channels_total, lang),
            })}
          />
        );
      },
    },
    {
      key: 'failed',
      header: t('collection.col.failed'),
      numeric: true,
      render: (r) => formatNumber(r.channels_failed, lang),
    },
    {
      key: 'requests',
      header: t('collection.col.requests'),
      numeric: true,
      render: (r) => formatNumber(r.requests, lang),
    },
    {
      key: 'pages',
      header: t('collection.col.pages'),
      numeric: true,
      render: (r) => formatNumber(r.page_requests, lang),
    },
    {
      key: 'rate',
      header: t('collection.col.rate'),
      numeric: true,
      render: (r) => {
        const rate = runRate(r);
        return rate === null ? '—' : formatNumber(rate, lang, 1);
      },
    },
    { key: 'limited', header: '429', numeric: true, render: (r) => formatNumber(r.rate_limited, lang) },
  ];

  return (
    <>
      <header className="page-head">
        <h1>{t('collection.title')}</h1>
        <p className="lead">{t('collection.lead')}</p>
      </header>

      {status.isError && <ErrorState error={status.error} onRetry={() => void status.refetch()} />}
      <section aria-labelledby="collection-now">
        <div className="panel__head">
          <h2 id="collection-now" className="section-title">
            {t('collection.now')}
          </h2>
          {status.dataUpdatedAt > 0 && (
            <span className="as-of">
              {t('collection.updated', { time: formatDateTime(status.dataUpdatedAt, lang) })}
            </span>
          )}
        </div>
        {status.isPending ? (
          <Loading />
        ) : status.data ? (
          <dl className="figures figures--compact">
            <div className="figure" data-testid="figure-channels">
              <dt className="figure__label">{t('collection.channels')}</dt>
              <dd className="figure__value">{formatNumber(status.data.channels, lang)}</dd>
              <dd className="figure__note">{t(`collection.mode.${status.data.mode}`)}</dd>
            </div>
            <div className="figure" data-testid="figure-due">
              <dt className="figure__label">{t('collection.due')}</dt>
              <dd className="figure__value">{formatNumber(status.data.due, lang)}</dd>
              <dd className="figure__note">
                {t('collection.neverCollected', { n: formatNumber(status.data.never_collected, lang) })}
              </dd>
            </div>
            <div
              className={status.data.failing > 0 ? 'figure figure--alert' : 'figure'}
              data-testid="figure-failing"
            >
              <dt className="figure__label">{t('collection.failingNow')}</dt>
              <dd className="figure__value">{formatNumber(status.data.failing, lang)}</dd>
            </div>
            <RateMeter
              rate={last ? runRate(last) : null}
              limit={status.data.rate_limit_per_second}
              running={isRunning(last)}
            />
          </dl>
        ) : null}
      </section>

      <section className="section" aria-labelledby="runs-title">
        <div className="panel__head">
          <h2 id="runs-title" className="section-title">
            {t('collection.runs')}
          </h2>
          {running && (
            <span className="as-of live" role="status">
              {t('collection.autoRefresh')}
            </span>
          )}
        </div>
        {runs.isPending && <Loading />}
        {runs.isError && !runs.data && <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />}
        {runs.data &&
          (runs.data.total === 0 ? (
            <EmptyState icon="table" title={t('collection.empty.title')}>
              {t('collection.empty.text')}
            </EmptyState>
          ) : (
            <>
              <Table
                caption={t('collection.runs')}
                columns={columns}
                rows={runs.data.items}
                rowKey={(r) => r.id}
                testId="runs-table"
              />
              {runs.data.total > RUNS_PER_PAGE && (
                <Pager
                  page={page}
                  perPage={RUNS_PER_PAGE}
                  total={runs.data.total}
                  onPage={(next) => query.set({ page: next > 1 ? next : null })}
                />
              )}
            </>
          ))}
      </section>

      {status.data && (
        <div className="two-columns section">
          <ErrorsByKind
            title={
              last
                ? t('collection.errorsLastRun', { id: formatNumber(last.id, lang) })
                : t('collection.errorsLastRunNone')
            }
            counts={last?.errors_by_kind ?? {}}
            testId="errors-last-run"
          />
          <ErrorsByKind
            title={t('collection.errorsNow')}
            counts={status.data.failing_by_kind}
            testId="errors-now"
          />
        </div>
      )}

      <FailingChannels />
    </>
  );
}
