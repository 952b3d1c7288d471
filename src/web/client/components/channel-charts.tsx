import { useCallback, useMemo } from 'react';
import type { Series, SeriesBucket } from '../api.ts';
import { formatAxisTick, formatDate, formatNumber, type Lang } from '../format.ts';
import { useLang, useT } from '../i18n.ts';
import { useChannelSeries } from '../queries.ts';
import { useQueryState } from '../router.ts';
import { ErrorState, Loading } from './states.tsx';
import { TimeChart } from './time-chart.tsx';

/**
 * A channel over time, by day, week or month (`bucket` in the URL): subscribers; and posts per period
 * (bars) with the average views of those posts at 24 hours and at 7 days (lines).
 */

const BUCKETS: SeriesBucket[] = ['day', 'week', 'month'];
const ACCENT = '#1f4e9c';
const VIEWS_7D = '#b25d00';
const POSTS = '#c9d2de';

const monthFormat = new Map<Lang, Intl.DateTimeFormat>();

/** `2026-03-10` → 10.03; `2026-W11` → «нед. 11»; `2026-03` → «мар. 2026». */
export function periodLabel(point: Series['points'][number], bucket: SeriesBucket, lang: Lang): string {
  if (bucket === 'day') {
    const full = formatDate(point.from, lang);
    return lang === 'ru' ? full.slice(0, 5) : full.replace(/ \d{4}$/, '');
  }
  if (bucket === 'week') {
    const week = /W(\d{2})$/.exec(point.period)?.[1] ?? point.period;
    return lang === 'ru' ? `нед. ${Number(week)}` : `wk ${Number(week)}`;
  }
  let format = monthFormat.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', {
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    });
    monthFormat.set(lang, format);
  }
  return format.format(new Date(`${point.from}T00:00:00Z`));
}

export function ChannelCharts({ id }: { id: number }) {
  const t = useT();
  const lang = useLang();
  const query = useQueryState();
  const bucketParam = query.get('bucket');
  const bucket: SeriesBucket = (BUCKETS as string[]).includes(bucketParam)
    ? (bucketParam as SeriesBucket)
    : 'day';
  const subscribers = useChannelSeries(id, 'subscribers', bucket);
  const posts = useChannelSeries(id, 'posts', bucket);
  const views24 = useChannelSeries(id, 'views_24h', bucket);
  const views7 = useChannelSeries(id, 'views_7d', bucket);

  const formatValue = useCallback((v: number) => formatNumber(v, lang), [lang]);
  const formatAxis = useCallback((v: number) => formatAxisTick(v, lang), [lang]);

  const subscriberChart = useMemo(() => {
    const points = subscribers.data?.points ?? [];
    return {
      categories: points.map((p) => periodLabel(p, bucket, lang)),
      series: [
        {
          name: t('channel.subscribers'),
          kind: 'line' as const,
          values: points.map((p) => p.value),
          color: ACCENT,
        },
      ],
    };
  }, [subscribers.data, bucket, lang, t]);

  const postsChart = useMemo(() => {
    const points = posts.data?.points ?? [];
    const byPeriod = (series: Series | undefined) =>
      new Map((series?.points ?? []).map((p) => [p.period, p.value]));
    const v24 = byPeriod(views24.data);
    const v7 = byPeriod(views7.data);
    return {
      categories: points.map((p) => periodLabel(p, bucket, lang)),
      series: [
        {
          name: t('channel.chart.posts'),
          kind: 'bar' as const,
          values: points.map((p) => p.value),
          color: POSTS,
          axis: 1 as const,
        },
        {
          name: t('channel.chart.views24'),
          kind: 'line' as const,
          values: points.map((p) => v24.get(p.period) ?? null),
          color: ACCENT,
        },
        {
          name: t('channel.chart.views7'),
          kind: 'line' as const,
          values: points.map((p) => v7.get(p.period) ?? null),
          color: VIEWS_7D,
        },
      ],
      hasPosts: points.some((p) => (p.value ?? 0) > 0),
    };
  }, [posts.data, views24.data, views7.data, bucket, lang, t]);

  const error = subscribers.error ?? posts.error ?? views24.error ?? views7.error;
  // The period actually shown: from the first point with a value (a new channel has a shorter history).
  const shown = subscribers.data?.points.filter((p) => p.value !== null) ?? [];
  const range =
    shown.length > 0
      ? t('channel.chart.range', {
          from: formatDate(shown[0]!.from, lang),
          to: formatDate(shown[shown.length - 1]!.to, lang),
        })
      : '';

  return (
    <>
      <section className="panel section" aria-labelledby="subscribers-chart-title">
        <div className="panel__head">
          <h2 id="subscribers-chart-title" className="section-title">
            {t('channel.chart.subscribers')}
          </h2>
          <fieldset className="segmented no-print" aria-label={t('channel.chart.bucket')}>
            {BUCKETS.map((b) => (
              <button
                key={b}
                type="button"
                aria-pressed={bucket === b}
                onClick={() => query.set({ bucket: b === 'day' ? null : b }, { replace: true })}
              >
                {t(`channel.bucket.${b}`)}
              </button>
            ))}
          </fieldset>
        </div>
        <p className="as-of">{range}</p>
        {error && <ErrorState error={error} onRetry={() => void subscribers.refetch()} />}
        {subscribers.isPending ? (
          <Loading />
        ) : (
          <TimeChart
            categories={subscriberChart.categories}
            series={subscriberChart.series}
            formatValue={formatValue}
            formatAxis={formatAxis}
            label={t('channel.chart.subscribers')}
            testId="channel-subscribers-chart"
          />
        )}
      </section>
      <section className="panel section" aria-labelledby="posts-chart-title">
        <h2 id="posts-chart-title" className="section-title">
          {t('channel.chart.postsTitle')}
        </h2>
        {posts.isPending ? (
          <Loading />
        ) : postsChart.hasPosts ? (
          <TimeChart
            categories={postsChart.categories}
            series={postsChart.series}
            formatValue={formatValue}
            formatAxis={formatAxis}
            label={t('channel.chart.postsTitle')}
            testId="channel-posts-chart"
          />
        ) : (
          <p className="hint">{t('channel.chart.noPosts')}</p>
        )}
      </section>
    </>
  );
}
