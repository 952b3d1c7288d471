import { lazy, type ReactNode, Suspense } from 'react';
import type { Overview } from '../api.ts';
import { formatDate, formatNumber } from '../format.ts';
import { useLang, useT } from '../i18n.ts';
import { formatSigned, formatSignedPercent } from '../indicator-format.ts';
import { useRegions } from '../queries.ts';
import { useQueryState } from '../router.ts';
import { Link } from './link.tsx';
import { Loading } from './states.tsx';

const ForecastView = lazy(() => import('./forecast-view.tsx').then((m) => ({ default: m.ForecastView })));

/**
 * The overview's analytics: channels and subscribers at the latest day, growth over 7/30/90 days, the growth
 * chart with its forecast (`metric=subscribers|channels` in the URL), channels by category and the channels
 * that moved most in a week.
 */

export function Figure({
  label,
  value,
  note,
  testId,
  loading,
  children,
}: {
  label: string;
  value: string;
  note?: string;
  testId: string;
  loading: boolean;
  children?: ReactNode;
}) {
  return (
    <div className="figure" data-testid={testId}>
      <dt className="figure__label">{label}</dt>
      <dd className="figure__value" aria-busy={loading}>
        {loading ? <span className="skeleton" /> : value}
      </dd>
      {children}
      {note && <dd className="figure__note">{note}</dd>}
    </div>
  );
}

function Delta({ absolute, percent }: { absolute: number | null; percent: number | null }) {
  const lang = useLang();
  const sign = (absolute ?? 0) > 0 ? 'delta--up' : (absolute ?? 0) < 0 ? 'delta--down' : '';
  return (
    <span className={`delta ${sign}`}>
      {formatSigned(absolute, lang)}
      {percent !== null && ` (${formatSignedPercent(percent, lang)})`}
    </span>
  );
}

function Movers({
  title,
  empty,
  items,
  testId,
}: {
  title: string;
  empty: string;
  items: Overview['topMovers']['up'];
  testId: string;
}) {
  const lang = useLang();
  const regions = useRegions();
  const names = new Map(
    (regions.data?.items ?? []).map((r) => [r.code, lang === 'en' ? r.name_en : r.name_ru]),
  );
  return (
    <section aria-label={title} data-testid={testId}>
      <h3 className="subsection-title">{title}</h3>
      {items.length === 0 ? (
        <p className="hint">{empty}</p>
      ) : (
        <ol className="movers">
          {items.map((m) => (
            <li key={m.channel_id} className="movers__item">
              <span className="movers__name">
                <Link to={`/channels/${m.channel_id}`}>{m.title ?? m.nickname ?? `#${m.channel_id}`}</Link>
                <span className="cell-sub">
                  {m.region_code ? (names.get(m.region_code) ?? m.region_code) : '—'}
                </span>
              </span>
              <Delta absolute={m.change} percent={m.percent} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function OverviewAnalytics({ data }: { data: Overview }) {
  const t = useT();
  const lang = useLang();
  const query = useQueryState();
  const metric = query.get('metric') === 'channels' ? 'channels' : 'subscribers';
  const history = data.series.map((p) => ({ day: p.day, value: p[metric] }));
  const forecast = data.forecast[metric];
  const metricLabel = t(metric === 'channels' ? 'overview.metric.channels' : 'overview.metric.subscribers');

  return (
    <>
      <dl className="figures">
        <Figure
          testId="figure-reach-channels"
          label={t('overview.reach.channels')}
          value={formatNumber(data.totals.channels, lang)}
          note={t('overview.reach.channelsNote', {
            registered: formatNumber(data.totals.channels_registered, lang),
          })}
          loading={false}
        />
        <Figure
          testId="figure-subscribers"
          label={t('overview.reach.subscribers')}
          value={formatNumber(data.totals.subscribers, lang)}
          note={t('overview.reach.subscribersNote')}
          loading={false}
        />
        {data.growth.map((g) => (
          <Figure
            key={g.days}
            testId={`figure-growth-${g.days}`}
            label={t('overview.growth', { days: g.days })}
            value={formatSigned(g.subscribers.absolute, lang)}
            note={t('overview.growthNote', {
              from: formatDate(g.from, lang),
              channels: formatSigned(g.channels.absolute, lang),
            })}
            loading={false}
          >
            <dd className="figure__note">
              {g.subscribers.percent === null
                ? t('overview.growthNoBase')
                : t('overview.growthPercent', { percent: formatSignedPercent(g.subscribers.percent, lang) })}
            </dd>
          </Figure>
        ))}
      </dl>

      <section className="panel section" aria-labelledby="growth-title">
        <div className="panel__head">
          <h2 id="growth-title" className="section-title">
            {t('overview.chart.title', { metric: metricLabel })}
          </h2>
          <fieldset className="segmented" aria-label={t('overview.chart.metric')}>
            {(['subscribers', 'channels'] as const).map((m) => (
              <button
                key={m}
                type="button"
                aria-pressed={metric === m}
                onClick={() => query.set({ metric: m === 'subscribers' ? null : m }, { replace: true })}
              >
                {t(m === 'channels' ? 'overview.metric.channels' : 'overview.metric.subscribers')}
              </button>
            ))}
          </fieldset>
        </div>
        <Suspense fallback={<Loading />}>
          <ForecastView
            history={history}
            forecast={forecast}
            seriesName={metricLabel}
            label={t('overview.chart.label', { metric: metricLabel })}
            testId="overview-forecast"
          />
        </Suspense>
      </section>

      <div className="two-columns section">
        <section aria-labelledby="categories-title">
          <h2 id="categories-title" className="section-title">
            {t('overview.categories')}
          </h2>
          <div className="table-wrap">
            <table className="table" data-testid="overview-categories">
              <thead>
                <tr>
                  <th scope="col">{t('channels.col.category')}</th>
                  <th scope="col" className="num">
                    {t('overview.col.channels')}
                  </th>
                  <th scope="col" className="num">
                    {t('overview.col.subscribers')}
                  </th>
                  <th scope="col" className="num">
                    {t('overview.col.growth30')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.byCategory.map((c) => (
                  <tr key={c.category}>
                    <td>
                      <Link to="/register" params={{ category: c.category }}>
                        {lang === 'en' ? c.label_en : c.label_ru}
                      </Link>
                    </td>
                    <td className="num">{formatNumber(c.channels, lang)}</td>
                    <td className="num">{formatNumber(c.subscribers, lang)}</td>
                    <td className="num">
                      <span
                        className={
                          (c.growth_30d.percent ?? 0) > 0
                            ? 'delta delta--up'
                            : (c.growth_30d.percent ?? 0) < 0
                              ? 'delta delta--down'
                              : 'delta'
                        }
                      >
                        {formatSignedPercent(c.growth_30d.percent, lang)}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section aria-labelledby="movers-title">
          <h2 id="movers-title" className="section-title">
            {t('overview.movers')}
          </h2>
          <p className="as-of">
            {t('overview.movers.period', {
              from: formatDate(data.topMovers.from, lang),
              to: formatDate(data.topMovers.to, lang),
            })}
          </p>
          <Movers
            title={t('overview.movers.up')}
            empty={t('overview.movers.noneUp')}
            items={data.topMovers.up}
            testId="movers-up"
          />
          <Movers
            title={t('overview.movers.down')}
            empty={t('overview.movers.noneDown')}
            items={data.topMovers.down}
            testId="movers-down"
          />
        </section>
      </div>
    </>
  );
}
