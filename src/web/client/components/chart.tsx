import { useMemo } from 'react';
import { useECharts } from './use-echarts.ts';

/** A single-series line or bar chart (population history now, audience dynamics later). */
export interface ChartProps {
  kind: 'line' | 'bar';
  categories: string[];
  values: (number | null)[];
  seriesName: string;
  formatValue: (value: number) => string;
  formatAxis?: (value: number) => string;
  label: string;
  height?: number;
}

const ACCENT = '#1f4e9c';

export function Chart({
  kind,
  categories,
  values,
  seriesName,
  formatValue,
  formatAxis,
  label,
  height = 260,
}: ChartProps) {
  const option = useMemo(
    () => ({
      animation: false,
      textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" },
      aria: { enabled: true, label: { description: label } },
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis' as const,
        valueFormatter: (value: unknown) => (typeof value === 'number' ? formatValue(value) : '—'),
      },
      xAxis: { type: 'category' as const, data: categories, axisTick: { alignWithLabel: true } },
      yAxis: {
        type: 'value' as const,
        axisLabel: { formatter: (value: number) => (formatAxis ?? formatValue)(value) },
        splitLine: { lineStyle: { color: '#e6e9ef' } },
      },
      series: [
        {
          type: kind,
          name: seriesName,
          data: values,
          itemStyle: { color: ACCENT },
          barMaxWidth: 48,
          ...(kind === 'line' ? { symbolSize: 6, lineStyle: { width: 2 } } : {}),
        },
      ],
    }),
    [kind, categories, values, seriesName, formatValue, formatAxis, label],
  );
  const { ref } = useECharts(option);
  return <div ref={ref} className="chart" style={{ height }} role="img" aria-label={label} />;
}
