import { lazy, Suspense } from 'react';
import { ApiError, type ChannelSummary } from '../api.ts';
import { FlagCard } from '../components/flag-card.tsx';
import { Link } from '../components/link.tsx';
import { pageElementLabel } from '../components/region-summary.tsx';
import { EmptyState, ErrorState, Loading } from '../components/states.tsx';
import { formatDate, formatDateTime, formatNumber, formatPercent } from '../format.ts';
import { useLang, useT } from '../i18n.ts';
import { formatSigned, formatSignedPercent } from '../indicator-format.ts';
import { label } from '../lists.ts';
import { regionName, useChannelSummary, useRegions } from '../queries.ts';
import { useTitle } from './use-title.ts';

const ChannelCharts = lazy(() =>
  import('../components/channel-charts.tsx').then((m) => ({ default: m.ChannelCharts })),
);

/**
 * One channel: its figures at the latest day, subscribers and views over time (day/week/month in the URL),
 * anomaly flags with their reasons and review buttons, the page completeness checklist, the state of its
 * collection, and the link to the channel in MAX.
 */

function maxUrl(channel: ChannelSummary['channel']): string | null {
  if (channel.platform === 'max' && channel.nickname)
    return `https://max.ru/${encodeURIComponent(channel.nickname)}`;
  return channel.url;
}

function Change({ change }: { change: ChannelSummary['metrics']['change']['day'] }) {
  const lang = useLang();
  const cls =
    (change.absolute ?? 0) > 0
      ? 'delta delta--up'
      : (change.absolute ?? 0) < 0
        ? 'delta delta--down'
        : 'delta';
  return (
    <span className={cls}>
      {formatSigned(change.absolute, lang)}
      {change.percent !== null && ` (${formatSignedPercent(change.percent, lang)})`}
    </span>
  );
}

function Figures({ summary }: { summary: ChannelSummary }) {
  const t = useT();
  const lang = useLang();
  const m = summary.metrics;
  return (
    <dl className="figures figures--compact">
      <div className="figure" data-testid="figure-channel-subscribers">
        <dt className="figure__label">{t('channel.subscribers')}</dt>
        <dd className="figure__value">{formatNumber(m.subscribers, lang)}</dd>
        <dd className="figure__note">
          {t('asOf', { date: formatDate(m.asOf, lang) })}
          {m.carried ? ` · ${t('channel.carried')}` : ''}
        </dd>
      </div>
      <div className="figure" data-testid="figure-channel-change">
        <dt className="figure__label">{t('channel.change')}</dt>
        <dd className="figure__note figure__changes">
          <span>{t('channel.change.day')}</span> <Change change={m.change.day} />
          <span>{t('channel.change.week')}</span> <Change change={m.change.week} />
          <span>{t('channel.change.month')}</span> <Change change={m.change.month} />
        </dd>
      </div>
      <div className="figure">
        <dt className="figure__label">{t('channel.postsPerWeek')}</dt>
        <dd className="figure__value">{formatNumber(m.postsPerWeek, lang, 1)}</dd>
        <dd className="figure__note">{t('channel.postsPerWeekNote')}</dd>
      </div>
      <div className="figure" data-testid="figure-channel-views">
        <dt className="figure__label">{t('channel.views')}</dt>
        <dd className="figure__value">{formatNumber(m.views24h?.average, lang)}</dd>
        <dd className="figure__note">
          {t('channel.viewsNote', {
            posts: formatNumber(m.views24h?.posts ?? 0, lang),
            week: formatNumber(m.views7d?.average, lang),
          })}
        </dd>
      </div>
      <div className="figure">
        <dt className="figure__label">{t('channel.reach')}</dt>
        <dd className="figure__value">
          {m.reachRate24h ? formatPercent(m.reachRate24h.fraction, lang, 1) : '—'}
        </dd>
        <dd className="figure__note">{t('channel.reachNote')}</dd>
      </div>
    </dl>
  );
}

function Completeness({ summary }: { summary: ChannelSummary }) {
  const t = useT();
  const lang = useLang();
  const { page } = summary;
  return (
    <section className="panel" aria-labelledby="page-title" data-testid="channel-completeness">
      <h2 id="page-title" className="section-title">
        {t('channel.page')}
      </h2>
      {page.checked_at === null ? (
        <p className="hint">{t('channel.page.unchecked')}</p>
      ) : (
        <>
          <ul className="checklist">
            {page.elements.map((e) => (
              <li
                key={e.element}
                className={`checklist__item checklist__item--${e.present === null ? 'unknown' : e.present ? 'ok' : 'missing'}`}
                data-element={e.element}
                data-present={String(e.present)}
              >
                <span className="checklist__mark" aria-hidden="true">
                  {e.present === null ? '?' : e.present ? '✓' : '✗'}
                </span>
                <span>
                  {pageElementLabel(e.element, lang)}
                  <span className="visually-hidden">
                    :{' '}
                    {t(
                      e.present === null
                        ? 'channel.page.unknown'
                        : e.present
                          ? 'channel.page.present'
                          : 'channel.page.missing',
                    )}
                  </span>
                </span>
              </li>
            ))}
          </ul>
          <p className="hint">
            {summary.metrics.completeness?.complete
              ? t('channel.page.complete')
              : t('channel.page.score', {
                  score: formatPercent(summary.metrics.completeness?.score ?? null, lang, 0),
                })}{' '}
            · {t('channel.page.checked', { time: formatDateTime(page.checked_at, lang) })}
          </p>
          {page.description && <p className="channel-description">{page.description}</p>}
        </>
      )}
    </section>
  );
}

function Collection({ summary }: { summary: ChannelSummary }) {
  const t = useT();
  const lang = useLang();
  const c = summary.collection;
  return (
    <section className="panel" aria-labelledby="collection-title">
      <h2 id="collection-title" className="section-title">
        {t('nav.collection')}
      </h2>
      <dl className="params">
        <div className="params__row">
          <dt>{t('collection.col.lastSuccess')}</dt>
          <dd>{c.last_success_at ? formatDateTime(c.last_success_at, lang) : t('collection.never')}</dd>
        </div>
        <div className="params__row">
          <dt>{t('collection.col.lastAttempt')}</dt>
          <dd>{formatDateTime(c.last_attempt_at, lang)}</dd>
        </div>
        <div className="params__row">
          <dt>{t('channel.method')}</dt>
          <dd>
            {c.last_method === 'bot_api'
              ? t('channel.method.bot')
              : c.last_method === 'public_page'
                ? t('channel.method.page')
                : '—'}
          </dd>
        </div>
        <div className="params__row">
          <dt>{t('collection.col.failures')}</dt>
          <dd>
            {formatNumber(c.consecutive_failures, lang)}
            {c.last_error_kind ? ` · ${c.last_error_kind}` : ''}
          </dd>
        </div>
        <div className="params__row">
          <dt>{t('channel.posts')}</dt>
          <dd>{t(c.posts_collected ? 'channel.posts.yes' : 'channel.posts.no')}</dd>
        </div>
      </dl>
    </section>
  );
}

export function ChannelPage({ id }: { id: number }) {
  const t = useT();
  const lang = useLang();
  const summary = useChannelSummary(id);
  const regions = useRegions();
  const c = summary.data?.channel;
  useTitle(c ? (c.title ?? c.nickname ?? `#${c.id}`) : t('form.title', { id }));

  if (summary.isPending) return <Loading />;
  if (summary.isError) {
    if (summary.error instanceof ApiError && summary.error.status === 404) {
      return (
        <EmptyState
          title={t('channel.notFound', { id })}
          action={
            <Link className="button" to="/register">
              {t('channel.back')}
            </Link>
          }
        />
      );
    }
    return <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />;
  }
  const data = summary.data;
  const channel = data.channel;
  const region = regions.data?.items.find((r) => r.code === channel.region_code);
  const url = maxUrl(channel);
  const openFlags = data.flags.filter((f) => f.status === 'open').length;

  return (
    <>
      <nav className="breadcrumbs" aria-label={t('breadcrumbs')}>
        <Link to="/register">{t('nav.register')}</Link> <span aria-hidden="true">/</span>{' '}
        {region && (
          <>
            <Link to={`/regions/${region.code}`}>{regionName(region, lang)}</Link>{' '}
            <span aria-hidden="true">/</span>{' '}
          </>
        )}
        <span>№ {id}</span>
      </nav>
      <header className="page-head page-head--actions">
        <div>
          <h1>{channel.title ?? channel.nickname ?? `#${id}`}</h1>
          <p className="lead">
            {label('category', channel.category, lang)}
            {channel.municipality ? ` · ${channel.municipality}` : ''}
            {channel.page_class ? ` · ${label('page_class', channel.page_class, lang)}` : ''}
            {' · '}
            <span className={`badge badge--${channel.status}`}>{label('status', channel.status, lang)}</span>
          </p>
        </div>
        <div className="actions">
          {url && (
            <a
              className="button button--primary"
              href={url}
              target="_blank"
              rel="noopener noreferrer"
              data-testid="max-link"
            >
              {t('channel.openInMax', { nick: channel.nickname ?? url })}
            </a>
          )}
          <Link
            className="button"
            to="/register"
            params={{ q: channel.nickname ?? channel.title ?? '', edit: id }}
          >
            {t('channel.edit')}
          </Link>
          {channel.status !== 'removed' && (
            <Link
              className="button"
              to="/rating"
              params={{
                methodology: 'places-average',
                scope: 'channels',
                category: channel.category,
                q: channel.title ?? channel.nickname ?? '',
              }}
              data-testid="channel-rating-link"
            >
              {t('channel.inRating')}
            </Link>
          )}
        </div>
      </header>
      <p className="as-of" data-testid="channel-as-of">
        {data.lastDataDay
          ? t('channel.asOf', { date: formatDate(data.lastDataDay, lang) })
          : t('channel.noData')}
        {data.inputsObservedUntil &&
          ` · ${t('rating.observedUntil', { time: formatDateTime(data.inputsObservedUntil, lang) })}`}
      </p>

      {data.lastDataDay === null ? (
        <EmptyState icon="chart" title={t('channel.noData')}>
          {t('channel.noDataText')}
        </EmptyState>
      ) : (
        <>
          <Figures summary={data} />
          <Suspense fallback={<Loading />}>
            <ChannelCharts id={id} />
          </Suspense>
        </>
      )}

      <section className="section" aria-labelledby="flags-title" data-testid="channel-flags">
        <h2 id="flags-title" className="section-title">
          {t('channel.flags', { n: formatNumber(openFlags, lang) })}
        </h2>
        {data.flags.length === 0 ? (
          <p className="hint">{t('channel.flags.none')}</p>
        ) : (
          data.flags.map((flag) => <FlagCard key={flag.id} flag={flag} channelId={id} />)
        )}
      </section>

      <div className="two-columns section">
        <Completeness summary={data} />
        <Collection summary={data} />
      </div>
    </>
  );
}
