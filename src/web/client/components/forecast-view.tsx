import { useCallback, useMemo } from 'react';
import type { Forecast } from '../api.ts';
import { formatAxisTick, formatDate, formatNumber, formatPercent } from '../format.ts';
import { type MessageKey, useLang, useT } from '../i18n.ts';
import { TimeChart } from './time-chart.tsx';

/**
 * A daily series with its forecast: the history as a solid line, the forecast dashed, the 80 % and 95 %
 * intervals as shaded bands, and under the chart the model chosen by the backtest and its error (MAPE).
 */

const ACCENT = '#1f4e9c';
const FORECAST = '#b25d00';

const MODEL_KEYS: Record<Forecast['model'], MessageKey> = {
  holt_damped: 'forecast.model.holt_damped',
  logistic: 'forecast.model.logistic',
  drift: 'forecast.model.drift',
};

function shortDay(day: string, lang: 'ru' | 'en'): string {
  const full = formatDate(day, lang);
  return lang === 'ru' ? full.slice(0, 5) : full.replace(/ \d{4}$/, '');
}

export function ForecastView({
  history,
  forecast,
  seriesName,
  label,
  testId,
}: {
  history: { day: string; value: number }[];
  forecast: Forecast | null;
  seriesName: string;
  label: string;
  testId?: string;
}) {
  const t = useT();
  const lang = useLang();
  const data = useMemo(() => {
    const points = forecast?.points ?? [];
    const days = [...history.map((h) => h.day), ...points.map((p) => p.day)];
    const pad = (n: number) => Array.from({ length: n }, () => null);
    const last = history[history.length - 1];
    // The forecast line starts at the last observed value, so the two lines join.
    const forecastLine = [
      ...pad(Math.max(0, history.length - 1)),
      last ? last.value : null,
      ...points.map((p) => p.value),
    ];
    return {
      categories: days.map((d) => shortDay(d, lang)),
      series: [
        {
          name: seriesName,
          kind: 'line' as const,
          values: [...history.map((h) => h.value), ...pad(points.length)],
          color: ACCENT,
        },
        ...(points.length > 0
          ? [
              {
                name: t('forecast.line'),
                kind: 'line' as const,
                values: forecastLine,
                color: FORECAST,
                dashed: true,
              },
              {
                name: t('forecast.band95'),
                kind: 'band' as const,
                lower: [...pad(history.length), ...points.map((p) => p.lower95)],
                upper: [...pad(history.length), ...points.map((p) => p.upper95)],
                color: 'rgba(178, 93, 0, 0.12)',
              },
              {
                name: t('forecast.band80'),
                kind: 'band' as const,
                lower: [...pad(history.length), ...points.map((p) => p.lower80)],
                upper: [...pad(history.length), ...points.map((p) => p.upper80)],
                color: 'rgba(178, 93, 0, 0.22)',
              },
            ]
          : []),
      ],
    };
  }, [history, forecast, seriesName, lang, t]);
  const formatValue = useCallback((v: number) => formatNumber(v, lang), [lang]);
  const formatAxis = useCallback((v: number) => formatAxisTick(v, lang), [lang]);
  const last = forecast?.points[forecast.points.length - 1];

  return (
    <figure className="forecast" data-testid={testId}>
      <TimeChart
        categories={data.categories}
        series={data.series}
        formatValue={formatValue}
        formatAxis={formatAxis}
        label={label}
        height={320}
        testId={testId ? `${testId}-chart` : undefined}
        forecastFrom={forecast ? history.length : undefined}
        forecastLabel={t('forecast.area')}
      />
      <figcaption className="forecast__note">
        {forecast ? (
          <>
            {last &&
              t('forecast.summary', {
                date: formatDate(last.day, lang),
                value: formatNumber(last.value, lang),
                low: formatNumber(last.lower80, lang),
                high: formatNumber(last.upper80, lang),
              })}{' '}
            {t('forecast.model', {
              model: t(MODEL_KEYS[forecast.model]),
              mape:
                forecast.backtest.value === null
                  ? '—'
                  : formatPercent(forecast.backtest.value / 100, lang, forecast.backtest.value < 10 ? 1 : 0),
              horizon: formatNumber(forecast.backtest.horizon, lang),
              origins: formatNumber(forecast.backtest.origins, lang),
            })}
            {(lang === 'en' ? forecast.notes_en : forecast.notes_ru).map((note) => (
              <span key={note} className="forecast__caveat">
                {' '}
                {note}
              </span>
            ))}
          </>
        ) : (
          t('forecast.none')
        )}
      </figcaption>
    </figure>
  );
}
