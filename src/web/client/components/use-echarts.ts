import { useEffect, useRef, useState } from 'react';
import { echarts } from '../echarts.ts';

export type EChartsInstance = ReturnType<typeof echarts.init>;
export type EChartsOption = Parameters<EChartsInstance['setOption']>[0];

/** Creates a chart in the returned element, resizes it with its box and disposes it on unmount. */
export function useECharts(option: EChartsOption | null) {
  const ref = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<EChartsInstance | null>(null);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const instance = echarts.init(element, undefined, { renderer: 'canvas' });
    setChart(instance);
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      setChart(null);
    };
  }, []);

  useEffect(() => {
    if (chart && option) chart.setOption(option, { notMerge: true });
  }, [chart, option]);

  return { ref, chart };
}
