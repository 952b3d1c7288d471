import { BarChart, LineChart, MapChart } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

/**
 * ECharts, modular: only the charts and components the dashboard uses are bundled, and only into the lazy
 * chunk of the components that import this module (the map and the charts), never the initial bundle.
 */
echarts.use([
  MapChart,
  LineChart,
  BarChart,
  VisualMapComponent,
  TooltipComponent,
  GridComponent,
  LegendComponent,
  AriaComponent,
  CanvasRenderer,
]);

export { echarts };
