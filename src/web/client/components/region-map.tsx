import { type CSSProperties, useEffect, useMemo, useState } from 'react';
import type { Region } from '../api.ts';
import { LEGEND_TEXT, NO_DATA_FILL, NO_DATA_HATCH } from '../choropleth.ts';
import { formatCompact, formatDate, formatNumber } from '../format.ts';
import { loadRussiaMap, MAP_NAME, project, unproject } from '../geo.ts';
import { federalDistrictLabel, type Translate, useLang, useT } from '../i18n.ts';
import { ErrorState, Loading } from './states.tsx';
import { useECharts } from './use-echarts.ts';

/**
 * Choropleth of the regions: by population (default) or by any layer a page gives (a rating indicator).
 * Hover shows the region's figures, a click opens it. The legend is HTML (readable, printable, dark text
 * on white); regions without a figure are hatched grey. The element carries what the map actually drew
 * (`data-series-count`, `data-colored`, `data-no-data`, `data-matched`) so tests can check it without
 * reading pixels.
 */

export interface MapClass {
  /** Inclusive bounds. */
  min: number;
  max: number;
  color: string;
  label: string;
}

export interface MapLayer {
  /** The region's figure; null = no data (hatched grey). */
  valueOf: (region: Region) => number | null;
  classes: MapClass[];
  /** Text lines of the tooltip under the region's name (plain text, escaped here). */
  tooltipLines: (region: Region) => string[];
  /** Accessible description of the map. */
  label: string;
  /** Legend text of the hatched swatch. */
  noDataLabel: string;
}

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";

/** Population classes (light to deep blue). */
const POPULATION_BREAKS: { min: number; max?: number; color: string }[] = [
  { min: 0, max: 500_000, color: '#dbe7f5' },
  { min: 500_000, max: 750_000, color: '#bcd3ec' },
  { min: 750_000, max: 1_000_000, color: '#93b8de' },
  { min: 1_000_000, max: 1_500_000, color: '#6a9acd' },
  { min: 1_500_000, max: 2_500_000, color: '#4479b9' },
  { min: 2_500_000, max: 4_000_000, color: '#2a5c9f' },
  { min: 4_000_000, color: '#163f78' },
];

function populationLayer(t: Translate, lang: 'ru' | 'en'): MapLayer {
  return {
    valueOf: (r) => r.population,
    classes: POPULATION_BREAKS.map((c) => ({
      min: c.min,
      max: c.max === undefined ? Number.MAX_SAFE_INTEGER : c.max - 1,
      color: c.color,
      label:
        c.max === undefined
          ? t('regions.map.legendFrom', { value: formatCompact(c.min, lang) })
          : c.min === 0
            ? t('regions.map.legendTo', { value: formatCompact(c.max, lang) })
            : `${formatCompact(c.min, lang)} – ${formatCompact(c.max, lang)}`,
    })),
    tooltipLines: (r) => [
      `${t('regions.col.population')}: ${
        r.population === null
          ? t('region.noPopulation')
          : `${formatNumber(r.population, lang)} ${t('unit.people')}`
      }`,
      ...(r.population_as_of ? [t('asOf', { date: formatDate(r.population_as_of, lang) })] : []),
    ],
    label: t('regions.map.label'),
    noDataLabel: t('regions.map.noData'),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const HATCH = {
  symbol: 'rect',
  symbolSize: 1,
  color: NO_DATA_HATCH,
  dashArrayX: [1, 0],
  dashArrayY: [1, 3],
  rotation: Math.PI / 4,
};

export interface RegionMapProps {
  regions: Region[];
  onSelect: (code: string) => void;
  height?: number;
  layer?: MapLayer;
  testId?: string;
}

export function RegionMap({ regions, onSelect, height = 460, layer, testId = 'region-map' }: RegionMapProps) {
  const t = useT();
  const lang = useLang();
  const [mapCodes, setMapCodes] = useState<string[] | null>(null);
  const [mapError, setMapError] = useState<unknown>(null);
  const active = useMemo(() => layer ?? populationLayer(t, lang), [layer, t, lang]);

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
      aria: { enabled: true, label: { description: active.label } },
      tooltip: {
        trigger: 'item' as const,
        textStyle: { fontFamily: FONT, color: '#1c2330' },
        formatter: (params: { name?: string }) => {
          const region = byCode.get(params.name ?? '');
          if (!region) return '';
          const lines = active
            .tooltipLines(region)
            .map((line, i) => `<div${i === 0 ? '' : ' class="map-tip__muted"'}>${escapeHtml(line)}</div>`)
            .join('');
          return `<div class="map-tip"><strong>${escapeHtml(name(region))}</strong><div class="map-tip__muted">${escapeHtml(
            t('regions.fdShort', { fd: federalDistrictLabel(region.federal_district, lang) }),
          )}</div>${lines}</div>`;
        },
      },
      visualMap: {
        type: 'piecewise' as const,
        show: false,
        pieces: active.classes.map((c) => ({ gte: c.min, lte: c.max, color: c.color })),
      },
      series: [
        {
          type: 'map' as const,
          map: MAP_NAME,
          nameProperty: 'code',
          projection: { project, unproject },
          roam: false,
          top: 8,
          bottom: 8,
          left: 8,
          right: 8,
          selectedMode: false as const,
          label: { show: false },
          itemStyle: { areaColor: NO_DATA_FILL, borderColor: '#ffffff', borderWidth: 0.6 },
          emphasis: {
            label: { show: false },
            itemStyle: { areaColor: '#f2a900', borderColor: '#ffffff', borderWidth: 1 },
          },
          data: regions.map((r) => {
            const value = active.valueOf(r);
            return value === null
              ? { name: r.code, value: '-', itemStyle: { decal: HATCH } }
              : { name: r.code, value };
          }),
        },
      ],
    };
  }, [mapCodes, regions, byCode, lang, t, active]);

  const { ref, chart } = useECharts(option);
  const [drawn, setDrawn] = useState({ seriesCount: 0, colored: 0, noData: 0, matched: 0 });

  useEffect(() => {
    if (!chart) return;
    const onClick = (params: { name?: string }) => {
      if (params.name && byCode.has(params.name)) onSelect(params.name);
    };
    const colours = new Set(active.classes.map((c) => c.color));
    const onFinished = () => {
      const codes = new Set(mapCodes ?? []);
      let colored = 0;
      let noData = 0;
      regions.forEach((region, dataIndex) => {
        if (!codes.has(region.code)) return;
        const color = chart.getVisual({ seriesIndex: 0, dataIndex }, 'color');
        if (active.valueOf(region) === null) noData++;
        else if (typeof color === 'string' && colours.has(color)) colored++;
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
  }, [chart, option, byCode, regions, mapCodes, onSelect, active]);

  if (mapError) return <ErrorState error={mapError} onRetry={() => setMapError(null)} />;
  return (
    <div className="region-map">
      <div className="region-map__frame" style={{ '--map-height': `${height}px` } as CSSProperties}>
        <div
          ref={ref}
          className="region-map__canvas"
          role="img"
          aria-label={active.label}
          data-testid={testId}
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
      <ul className="map-legend" aria-label={t('map.legend')} style={{ color: LEGEND_TEXT }}>
        {active.classes.map((c) => (
          <li key={`${c.min}-${c.max}`} className="map-legend__item" data-color={c.color}>
            <span className="map-legend__swatch" style={{ background: c.color }} aria-hidden="true" />
            {c.label}
          </li>
        ))}
        <li className="map-legend__item">
          <span className="map-legend__swatch map-legend__swatch--none" aria-hidden="true" />
          {active.noDataLabel}
        </li>
      </ul>
      <p className="region-map__note">{t('regions.map.hint')}</p>
    </div>
  );
}
