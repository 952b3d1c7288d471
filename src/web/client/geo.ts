import geojsonUrl from '../../../reference/regions.geojson?url';
import { echarts } from './echarts.ts';

/**
 * The map of Russia: the reference boundaries (`reference/regions.geojson`, 89 regions, property `code`
 * joins the API's region code) fetched lazily as a separate static file, Chukotka's negative longitudes
 * moved past 180° so it is drawn in one piece, and an Albers equal-area conic projection centred at
 * 100°E with standard parallels 52° and 64° — the usual way Russia is drawn, areas true to each other.
 */

export const MAP_NAME = 'russia';

type Position = number[];
interface Geometry {
  type: string;
  coordinates: unknown;
}
interface Feature {
  type: 'Feature';
  properties: Record<string, unknown>;
  geometry: Geometry;
}
interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
}

const DEG = Math.PI / 180;
const CENTRAL_MERIDIAN = 100;
const PARALLEL_1 = 52 * DEG;
const PARALLEL_2 = 64 * DEG;
const ORIGIN_LATITUDE = 56 * DEG;
const N = (Math.sin(PARALLEL_1) + Math.sin(PARALLEL_2)) / 2;
const C = Math.cos(PARALLEL_1) ** 2 + 2 * N * Math.sin(PARALLEL_1);
const RHO_0 = Math.sqrt(C - 2 * N * Math.sin(ORIGIN_LATITUDE)) / N;

/** [lon, lat] in degrees → plane [x, y] with y growing downwards (screen order, as ECharts expects). */
export function project([lon = 0, lat = 0]: number[]): number[] {
  const rho = Math.sqrt(C - 2 * N * Math.sin(lat * DEG)) / N;
  const theta = N * (lon - CENTRAL_MERIDIAN) * DEG;
  return [rho * Math.sin(theta), -(RHO_0 - rho * Math.cos(theta))];
}

export function unproject([x = 0, yDown = 0]: number[]): number[] {
  const y = -yDown;
  const rho = Math.sign(N) * Math.sqrt(x * x + (RHO_0 - y) ** 2);
  const theta = Math.atan2(x, RHO_0 - y);
  const lon = CENTRAL_MERIDIAN + theta / N / DEG;
  const sinLat = Math.max(-1, Math.min(1, (C - rho * rho * N * N) / (2 * N)));
  return [lon, Math.asin(sinLat) / DEG];
}

function shiftRing(ring: Position[]): Position[] {
  return ring.map(([lon = 0, lat = 0]) => [lon < 0 ? lon + 360 : lon, lat]);
}

/** Moves negative longitudes (Chukotka east of 180°) to 180…360 so no polygon wraps around the map. */
export function shiftAntimeridian(collection: FeatureCollection): FeatureCollection {
  return {
    ...collection,
    features: collection.features.map((feature) => {
      const { geometry } = feature;
      if (geometry.type === 'Polygon') {
        const rings = geometry.coordinates as Position[][];
        return { ...feature, geometry: { ...geometry, coordinates: rings.map(shiftRing) } };
      }
      if (geometry.type === 'MultiPolygon') {
        const polygons = geometry.coordinates as Position[][][];
        return {
          ...feature,
          geometry: { ...geometry, coordinates: polygons.map((rings) => rings.map(shiftRing)) },
        };
      }
      return feature;
    }),
  };
}

function isFeatureCollection(value: unknown): value is FeatureCollection {
  return (
    value !== null &&
    typeof value === 'object' &&
    'type' in value &&
    value.type === 'FeatureCollection' &&
    'features' in value &&
    Array.isArray(value.features)
  );
}

let loading: Promise<string[]> | undefined;

/** Fetches and registers the map once; resolves to the region codes it contains. */
export function loadRussiaMap(): Promise<string[]> {
  loading ??= (async () => {
    const response = await fetch(geojsonUrl);
    if (!response.ok) throw new Error(`map: HTTP ${response.status}`);
    const body: unknown = await response.json();
    if (!isFeatureCollection(body)) throw new Error('map: not a GeoJSON FeatureCollection');
    const shifted = shiftAntimeridian(body);
    echarts.registerMap(MAP_NAME, shifted as unknown as Parameters<typeof echarts.registerMap>[1]);
    return shifted.features.map((f) => String(f.properties.code));
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
