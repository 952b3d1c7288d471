import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type FailingChannel } from '../api.ts';
import { formatDateTime, formatNumber } from '../format.ts';
import { useLang, useT } from '../i18n.ts';
import { errorKindLabel } from '../messages-analytics.ts';
import { regionName, useRegions } from '../queries.ts';
import { href, intParam, navigate, useQueryState } from '../router.ts';
import { Link } from './link.tsx';
import { Pager } from './pager.tsx';
import { EmptyState, ErrorState, Loading } from './states.tsx';
import { type Column, Table } from './table.tsx';

/**
 * What fails in collection: errors by kind (a click filters the list below by that kind, `kind` in the URL)
 * and the channels failing now, the longest-failing first (`fpage` in the URL), refreshed every 30 s.
 */

const REFRESH_MS = 30_000;
const FAILING_PER_PAGE = 20;

export function ErrorsByKind({
  title,
  counts,
  testId,
}: {
  title: string;
  counts: Record<string, number>;
  testId: string;
}) {
  const t = useT();
  const lang = useLang();
  const query = useQueryState();
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return (
    <section className="panel" aria-label={title} data-testid={testId}>
      <h3 className="section-title">{title}</h3>
      {entries.length === 0 ? (
        <p className="hint">{t('collection.noErrors')}</p>
      ) : (
        <ul className="bars">
          {entries.map(([kind, n]) => (
            <li key={kind} className="bars__row">
              <button type="button" className="bars__label link-button" onClick={() => query.set({ kind })}>
                {errorKindLabel(kind, lang)}
              </button>
              <span className="bars__track" aria-hidden="true">
                <span className="bars__fill" style={{ width: `${(n / total) * 100}%` }} />
              </span>
              <span className="bars__value">{formatNumber(n, lang)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function FailingChannels() {
  const t = useT();
  const lang = useLang();
  const query = useQueryState();
  const kind = query.get('kind');
  const page = intParam(query.get('fpage'), 1);
  const regions = useRegions();
  const regionNames = new Map((regions.data?.items ?? []).map((r) => [r.code, regionName(r, lang)]));
  const failing = useQuery({
    queryKey: ['collection', 'failing', kind, page],
    queryFn: () => api.failingChannels({ ...(kind ? { kind } : {}), page, per_page: FAILING_PER_PAGE }),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
  const columns: Column<FailingChannel>[] = [
    {
      key: 'title',
      header: t('channels.col.title'),
      className: 'col-title',
      render: (c) => (
        <Link to={`/channels/${c.id}`} tabIndex={-1}>
          {c.title ?? c.nickname ?? `#${c.id}`}
        </Link>
      ),
    },
    {
      key: 'region',
      header: t('channels.col.region'),
      render: (c) => (c.region_code ? (regionNames.get(c.region_code) ?? c.region_code) : '—'),
    },
    {
      key: 'kind',
      header: t('collection.col.kind'),
      render: (c) => (
        <>
          <span className="cell-main">
            {c.last_error_kind ? errorKindLabel(c.last_error_kind, lang) : '—'}
          </span>
          {c.last_error && <span className="cell-sub">{c.last_error}</span>}
        </>
      ),
    },
    {
      key: 'failures',
      header: t('collection.col.failures'),
      numeric: true,
      render: (c) => formatNumber(c.consecutive_failures, lang),
    },
    {
      key: 'attempt',
      header: t('collection.col.lastAttempt'),
      className: 'nowrap',
      render: (c) => formatDateTime(c.last_attempt_at, lang),
    },
    {
      key: 'success',
      header: t('collection.col.lastSuccess'),
      className: 'nowrap',
      render: (c) => (c.last_success_at ? formatDateTime(c.last_success_at, lang) : t('collection.never')),
    },
  ];
  return (
    <section className="section" aria-labelledby="failing-title">
      <div className="panel__head">
        <h2 id="failing-title" className="section-title">
          {kind ? t('collection.failingOf', { kind: errorKindLabel(kind, lang) }) : t('collection.failing')}
        </h2>
        {kind && (
          <button
            type="button"
            className="button button--quiet"
            onClick={() => query.set({ kind: null, fpage: null })}
          >
            {t('collection.allKinds')}
          </button>
        )}
      </div>
      {failing.isPending && <Loading compact />}
      {failing.isError && !failing.data && (
        <ErrorState error={failing.error} onRetry={() => void failing.refetch()} />
      )}
      {failing.data &&
        (failing.data.total === 0 ? (
          <EmptyState icon="table" title={t('collection.failing.none')} />
        ) : (
          <>
            <Table
              caption={t('collection.failing')}
              columns={columns}
              rows={failing.data.items}
              rowKey={(c) => c.id}
              rowLabel={(c) => c.title ?? c.nickname ?? String(c.id)}
              onActivate={(c) => navigate(href(`/channels/${c.id}`))}
              busy={failing.isFetching}
              testId="failing-table"
            />
            {failing.data.total > FAILING_PER_PAGE && (
              <Pager
                page={page}
                perPage={FAILING_PER_PAGE}
                total={failing.data.total}
                onPage={(next) => query.set({ fpage: next > 1 ? next : null, kind: kind || null })}
              />
            )}
          </>
        ))}
    </section>
  );
}
