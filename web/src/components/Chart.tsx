import { useEffect, useRef, type RefObject } from 'react';
import { init, type ChartOption, type ECElementEvent, type ECharts } from '../dashboard/echarts';
import { useLatest } from '../use-latest';

/**
 * A chart's element, carrying its ECharts instance: the browser tests ask it where a data point is drawn
 * (`convertToPixel`) to click there.
 */
export type ChartElement = HTMLDivElement & { chart?: ECharts };

interface Props {
  /** Drawn anew (not merged) when it differs from the one drawn last (it may be rebuilt on every render). */
  option: ChartOption;
  /** Names the chart for assistive technology. */
  label: string;
  /** A click on a data item (a bar, a point, a port). */
  onClick?: (event: ECElementEvent) => void;
  testId: string;
}

/**
 * Draws `option` unless it is the one drawn last (`drawn`, as text): options are plain data, and drawing the same
 * again would restart its animation. `data-rendered` turns true when the chart has finished drawing it.
 */
function draw(chart: ECharts, element: HTMLElement, option: ChartOption, drawn: RefObject<string>): void {
  const text = JSON.stringify(option);
  if (text === drawn.current) return;
  drawn.current = text;
  element.dataset.rendered = 'false';
  chart.setOption(option, { notMerge: true });
}

/** One ECharts chart on a canvas: created with the element, resized with it, disposed of with it. */
export function Chart({ option, label, onClick, testId }: Props) {
  const ref = useRef<ChartElement>(null);
  const chartRef = useRef<ECharts | null>(null);
  const drawnRef = useRef('');
  const optionRef = useLatest(option);
  const onClickRef = useLatest(onClick);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const chart = init(element, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    element.chart = chart;
    chart.on('click', (event) => onClickRef.current?.(event));
    chart.on('finished', () => {
      if (drawnRef.current !== '') element.dataset.rendered = 'true';
    });
    draw(chart, element, optionRef.current, drawnRef);
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.dispose();
      chartRef.current = null;
      drawnRef.current = '';
      delete element.chart;
    };
  }, [onClickRef, optionRef]);

  useEffect(() => {
    if (chartRef.current && ref.current) draw(chartRef.current, ref.current, option, drawnRef);
  }, [option]);

  return <div ref={ref} className={`chart${onClick ? ' is-clickable' : ''}`} role="img" aria-label={label} data-testid={testId} />;
}
