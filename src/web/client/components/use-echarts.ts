import { useEffect, useRef, useState } from 'react';
import { echarts } from '../echarts.ts';

export type EChartsInstance = ReturnType<typeof echarts.init>;
export type EChartsOption = Parameters<EChartsInstance['setOption']>[0];

/** The printable width of A4 with the dashboard's margins, in CSS pixels. */
const PRINT_WIDTH = 700;

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
    // Paper is narrower than the screen and the print layout does not resize a canvas by itself: draw at
    // the printable width of A4 (186 mm ≈ 700 CSS px) while printing, and back afterwards.
    const print = window.matchMedia('print');
    const toPaper = () =>
      instance.resize({ width: Math.min(element.clientWidth || PRINT_WIDTH, PRINT_WIDTH) });
    const toScreen = () => instance.resize();
    const onMedia = () => (print.matches ? toPaper() : toScreen());
    window.addEventListener('beforeprint', toPaper);
    window.addEventListener('afterprint', toScreen);
    print.addEventListener('change', onMedia);
    return () => {
      window.removeEventListener('beforeprint', toPaper);
      window.removeEventListener('afterprint', toScreen);
      print.removeEventListener('change', onMedia);
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
