// The port map: every port of the figures as a point on the base map, sized by its detections; a port opens its
// specimens.
import { queryOptions } from '@tanstack/react-query';
import type { PortDensity } from '@contract';
import type { DrawnChart } from './charts';

/** The name the base map is registered under. */
export const BASE_MAP = 'world-china';

/** Loads the base map's chunk and registers it, once a session; the map is drawn when it answers. */
export const baseMapQuery = queryOptions({
  queryKey: ['base-map'],
  queryFn: async () => {
    (await import('./base-map')).registerBaseMap(BASE_MAP);
    return BASE_MAP;
  },
  staleTime: Infinity,
  gcTime: Infinity,
});

const MIN_SYMBOL = 6;
const MAX_SYMBOL = 36;

/** Points by area: the symbol's diameter grows with the square root of the detections. */
export function symbolSize(detections: number, most: number): number {
  return most <= 0 ? MIN_SYMBOL : MIN_SYMBOL + (MAX_SYMBOL - MIN_SYMBOL) * Math.sqrt(detections / most);
}

export function portMapChart(ports: readonly PortDensity[], portLabel: (code: string) => string, detectionsLabel: string): DrawnChart {
  const most = Math.max(0, ...ports.map((port) => port.detections));
  return {
    option: {
      tooltip: { trigger: 'item' },
      geo: {
        map: BASE_MAP,
        roam: true,
        // China's coast, where the ports are, fills the view; the world is a drag away.
        center: [104, 35],
        zoom: 4,
        itemStyle: { areaColor: '#e8eef5', borderColor: '#9aa9bb', borderWidth: 0.5 },
        emphasis: { disabled: true },
        select: { disabled: true },
        label: { show: false },
      },
      series: [
        {
          type: 'scatter',
          coordinateSystem: 'geo',
          name: detectionsLabel,
          data: ports.map((port) => ({
            name: portLabel(port.port),
            value: [port.longitude, port.latitude, port.detections],
            symbolSize: symbolSize(port.detections, most),
          })),
          itemStyle: { color: '#d9480f', opacity: 0.8, borderColor: '#fff', borderWidth: 1 },
          // The value is [longitude, latitude, detections]: the tooltip names the port and its detections only.
          tooltip: { formatter: `{b}<br/>${detectionsLabel}: {@[2]}` },
        },
      ],
    },
    filterAt: (click) => {
      const port = click.componentType === 'series' ? ports[click.dataIndex] : undefined;
      return port ? { portCode: port.port } : undefined;
    },
  };
}
