import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import { useMemo } from 'react';
import { useECharts } from './use-echarts.ts';

/**
 * A chart over time: lines (solid or dashed), bars, and shaded bands (a forecast interval: the lower
 * bound drawn invisibly and the band stacked on it). The tooltip lists every series of the hovered
 * period in the chart's own formats, a band as «lower – upper». Optional second value axis (right).
 */

export interface TimeSeriesSpec {
  name: string;
  kind: 'line' | 'bar' | 'band';
  /** line and bar: one value per category (null = no value). */
  values?: (number | null)[];
  /** band: bounds per category. */
  lower?: (number | null)[];
  upper?: (number | null)[];
  color: string;
  dashed?: boolean;
  /** 0 = left axis (default), 1 = right axis. */
  axis?: 0 | 1;
}

export interface TimeChartProps {
  /** Category labels (formatted periods). */
  categories: string[];
  series: TimeSeriesSpec[];
  formatValue: (value: number, axis: 0 | 1) => string;
  formatAxis?: (value: number, axis: 0 | 1) => string;
  label: string;
  height?: number;
  testId?: string;
  /** Index of the first forecast category: the area from there on is tinted and labelled. */
  forecastFrom?: number;
  forecastLabel?: string;
}

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
const MUTED = '#5a6372';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const dash = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v);

export function TimeChart({
  categories,
  series,
  formatValue,
  formatAxis,
  label,
  height = 300,
  testId,
  forecastFrom,
  forecastLabel,
}: TimeChartProps) {
  const option = useMemo(() => {
    const usesRight = series.some((s) => s.axis === 1);
    const echartsSeries = series.flatMap((s, index): (LineSeriesOption | BarSeriesOption)[] => {
      const yAxisIndex = s.axis ?? 0;
      if (s.kind === 'band') {
        const lower = s.lower ?? [];
        const upper = s.upper ?? [];
        const stack = `band-${index}`;
        return [
          {
            type: 'line' as const,
            name: `${s.name}::lower`,
            data: lower.map(dash),
            stack,
            yAxisIndex,
            symbol: 'none',
            lineStyle: { opacity: 0 },
            silent: true,
            tooltip: { show: false },
          },
          {
            type: 'line' as const,
            name: s.name,
            data: upper.map((u, i) => {
              const l = lower[i];
              return u === null || u === undefined || l === null || l === undefined ? '-' : u - l;
            }),
            stack,
            yAxisIndex,
            symbol: 'none',
            lineStyle: { opacity: 0 },
            areaStyle: { color: s.color },
            itemStyle: { color: s.color },
            silent: true,
          },
        ];
      }
      return [
        {
          type: s.kind,
          name: s.name,
          data: (s.values ?? []).map(dash),
          yAxisIndex,
          itemStyle: { color: s.color },
          barMaxWidth: 28,
          ...(s.kind === 'line'
            ? {
                symbol: 'circle',
                symbolSize: 4,
                showSymbol: false,
                connectNulls: false,
                lineStyle: {
                  width: 2,
                  color: s.color,
                  type: s.dashed ? ('dashed' as const) : ('solid' as const),
                },
              }
            : {}),
          ...(index === 0 && forecastFrom !== undefined && forecastFrom < categories.length
            ? {
                markArea: {
                  silent: true,
                  itemStyle: { color: 'rgba(31, 78, 156, 0.05)' },
                  label: {
                    show: Boolean(forecastLabel),
                    color: MUTED,
                    fontFamily: FONT,
                    position: 'insideTop' as const,
                  },
                  data: [
                    [
                      { name: forecastLabel ?? '', xAxis: categories[forecastFrom] },
                      { xAxis: categories[categories.length - 1] },
                    ],
                  ],
                },
              }
            : {}),
        },
      ];
    });
    const axis = (index: 0 | 1) => ({
      type: 'value' as const,
      scale: index === 0 && !series.some((s) => s.kind === 'bar' && (s.axis ?? 0) === 0),
      axisLabel: {
        color: MUTED,
        fontFamily: FONT,
        formatter: (value: number) => (formatAxis ?? formatValue)(value, index),
      },
      splitLine: { show: index === 0, lineStyle: { color: '#e6e9ef' } },
      // Counts (posts) on the right axis are whole numbers.
      ...(index === 1 ? { minInterval: 1 } : {}),
    });
    return {
      animation: false,
      textStyle: { fontFamily: FONT },
      aria: { enabled: true, label: { description: label } },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: {
        top: 0,
        left: 0,
        textStyle: { color: '#1c2330', fontFamily: FONT },
        data: series.map((s) => s.name),
      },
      tooltip: {
        trigger: 'axis' as const,
        textStyle: { fontFamily: FONT, color: '#1c2330' },
        formatter: (params: { dataIndex: number }[] | { dataIndex: number }) => {
          const first = Array.isArray(params) ? params[0] : params;
          if (!first) return '';
          const i = first.dataIndex;
          const lines = series.flatMap((s) => {
            const axisIndex = s.axis ?? 0;
            if (s.kind === 'band') {
              const l = s.lower?.[i];
              const u = s.upper?.[i];
              if (l === null || l === undefined || u === null || u === undefined) return [];
              return [
                `${escapeHtml(s.name)}: ${escapeHtml(formatValue(l, axisIndex))} – ${escapeHtml(formatValue(u, axisIndex))}`,
              ];
            }
            const v = s.values?.[i];
            if (v === null || v === undefined) return [];
            return [
              `<span style="color:${s.color}">●</span> ${escapeHtml(s.name)}: <strong>${escapeHtml(formatValue(v, axisIndex))}</strong>`,
            ];
          });
          return `<div class="map-tip"><div class="map-tip__muted">${escapeHtml(categories[i] ?? '')}</div>${lines.map((l) => `<div>${l}</div>`).join('')}</div>`;
        },
      },
      xAxis: {
        type: 'category' as const,
        data: categories,
        boundaryGap: series.some((s) => s.kind === 'bar'),
        axisLabel: { color: MUTED, fontFamily: FONT, hideOverlap: true },
        axisTick: { alignWithLabel: true },
      },
      yAxis: usesRight ? [axis(0), axis(1)] : [axis(0)],
      series: echartsSeries,
    };
  }, [categories, series, formatValue, formatAxis, label, forecastFrom, forecastLabel]);
  const { ref } = useECharts(option);
  return (
    <div
      ref={ref}
      className="chart"
      style={{ height }}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-categories={categories.length}
      data-series={series.map((s) => s.name).join('|')}
    />
  );
}
