import { useEffect, useMemo, useState } from 'react';
import type { Region } from '../api.ts';
import { formatCompact, formatDate, formatNumber } from '../format.ts';
import { loadRussiaMap, MAP_NAME, project, unproject } from '../geo.ts';
import { federalDistrictLabel, useLang, useT } from '../i18n.ts';
import { ErrorState, Loading } from './states.tsx';
import { useECharts } from './use-echarts.ts';

/**
 * Choropleth of the regions by population. Hover shows the region's figures, a click opens it. The
 * element carries what the map actually drew (`data-series-count`, `data-colored`, `data-matched`) so
 * tests can check it without reading pixels.
 */

/** Population classes (upper bound exclusive) and their colours, light to deep blue. */
const CLASSES: { min: number; max?: number; color: string }[] = [
  { min: 0, max: 500_000, color: '#dbe7f5' },
  { min: 500_000, max: 750_000, color: '#bcd3ec' },
  { min: 750_000, max: 1_000_000, color: '#93b8de' },
  { min: 1_000_000, max: 1_500_000, color: '#6a9acd' },
  { min: 1_500_000, max: 2_500_000, color: '#4479b9' },
  { min: 2_500_000, max: 4_000_000, color: '#2a5c9f' },
  { min: 4_000_000, color: '#163f78' },
];
const NO_DATA_COLOR = '#e4e6ea';
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface RegionMapProps {
  regions: Region[];
  onSelect: (code: string) => void;
  height?: number;
}

export function RegionMap({ regions, onSelect, height = 460 }: RegionMapProps) {
  const t = useT();
  const lang = useLang();
  const [mapCodes, setMapCodes] = useState<string[] | null>(null);
  const [mapError, setMapError] = useState<unknown>(null);

  // Loads once; after a failure, «Повторить» clears the error and this runs again.
  useEffect(() => {
    if (mapError !== null) return;
    let cancelled = false;
    loadRussiaMap().then(
      (codes) => !cancelled && setMapCodes(codes),
      (error: unknown) => !cancelled && setMapError(error),
    );
    return () => {
      cancelled = true;
    };
  }, [mapError]);

  const byCode = useMemo(() => new Map(regions.map((r) => [r.code, r])), [regions]);

  const option = useMemo(() => {
    if (!mapCodes) return null;
    const name = (r: Region) => (lang === 'en' ? r.name_en : r.name_ru);
    return {
      animation: false,
      textStyle: { fontFamily: FONT },
      aria: { enabled: true, label: { description: t('regions.map.label') } },
      tooltip: {
        trigger: 'item' as const,
        textStyle: { fontFamily: FONT, color: '#1c2330' },
        formatter: (params: { name?: string }) => {
          const region = byCode.get(params.name ?? '');
          if (!region) return '';
          const population =
            region.population === null
              ? t('region.noPopulation')
              : `${formatNumber(region.population, lang)} ${t('unit.people')}`;
          const asOf = region.population_as_of
            ? `<div class="map-tip__muted">${escapeHtml(t('asOf', { date: formatDate(region.population_as_of, lang) }))}</div>`
            : '';
          return `<div class="map-tip"><strong>${escapeHtml(name(region))}</strong><div class="map-tip__muted">${escapeHtml(
            t('regions.fdShort', { fd: federalDistrictLabel(region.federal_district, lang) }),
          )}</div><div>${escapeHtml(t('regions.col.population'))}: ${escapeHtml(population)}</div>${asOf}</div>`;
        },
      },
      visualMap: {
        type: 'piecewise' as const,
        pieces: CLASSES.map((c) => ({
          min: c.min,
          ...(c.max === undefined ? {} : { max: c.max - 1 }),
          color: c.color,
          label:
            c.max === undefined
              ? t('regions.map.legendFrom', { value: formatCompact(c.min, lang) })
              : c.min === 0
                ? t('regions.map.legendTo', { value: formatCompact(c.max, lang) })
                : `${formatCompact(c.min, lang)} – ${formatCompact(c.max, lang)}`,
        })),
        orient: 'horizontal' as const,
        left: 'center',
        bottom: 0,
        itemWidth: 14,
        itemHeight: 10,
        itemGap: 12,
        textStyle: { color: '#3b4350', fontSize: 12, fontFamily: FONT },
        hoverLink: true,
      },
      series: [
        {
          type: 'map' as const,
          map: MAP_NAME,
          nameProperty: 'code',
          projection: { project, unproject },
          roam: false,
          top: 8,
          bottom: 44,
          left: 8,
          right: 8,
          selectedMode: false as const,
          label: { show: false },
          itemStyle: { areaColor: NO_DATA_COLOR, borderColor: '#ffffff', borderWidth: 0.6 },
          emphasis: {
            label: { show: false },
            itemStyle: { areaColor: '#f2a900', borderColor: '#ffffff', borderWidth: 1 },
          },
          data: regions.map((r) => ({ name: r.code, value: r.population ?? '-' })),
        },
      ],
    };
  }, [mapCodes, regions, byCode, lang, t]);

  const { ref, chart } = useECharts(option);
  const [drawn, setDrawn] = useState({ seriesCount: 0, colored: 0, noData: 0, matched: 0 });

  useEffect(() => {
    if (!chart) return;
    const onClick = (params: { name?: string }) => {
      if (params.name && byCode.has(params.name)) onSelect(params.name);
    };
    const onFinished = () => {
      const codes = new Set(mapCodes ?? []);
      let colored = 0;
      let noData = 0;
      regions.forEach((region, dataIndex) => {
        if (!codes.has(region.code)) return;
        const color = chart.getVisual({ seriesIndex: 0, dataIndex }, 'color');
        if (region.population === null) noData++;
        else if (typeof color === 'string' && CLASSES.some((c) => c.color === color)) colored++;
      });
      const matched = regions.filter((r) => codes.has(r.code)).length;
      const next = { seriesCount: regions.length, colored, noData, matched };
      setDrawn((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
    };
    chart.on('click', onClick);
    chart.on('finished', onFinished);
    // The option was set (by useECharts) before this effect ran: its first render may already be over.
    if (option) onFinished();
    return () => {
      chart.off('click', onClick);
      chart.off('finished', onFinished);
    };
  }, [chart, option, byCode, regions, mapCodes, onSelect]);

  if (mapError) return <ErrorState error={mapError} onRetry={() => setMapError(null)} />;
  return (
    <div className="region-map">
      <div className="region-map__frame" style={{ height }}>
        <div
          ref={ref}
          className="region-map__canvas"
          role="img"
          aria-label={t('regions.map.label')}
          data-testid="region-map"
          data-series-count={drawn.seriesCount}
          data-colored={drawn.colored}
          data-no-data={drawn.noData}
          data-matched={drawn.matched}
        />
        {!mapCodes && (
          <div className="region-map__overlay">
            <Loading label={t('regions.map.loading')} />
          </div>
        )}
      </div>
      <p className="region-map__note">
        <span className="swatch" style={{ background: NO_DATA_COLOR }} aria-hidden="true" />{' '}
        {t('regions.map.noData')} · {t('regions.map.hint')}
      </p>
    </div>
  );
}
