// The app's icons, drawn as inline SVG on a 24-unit grid in the text colour: emoji and symbol characters show as
// empty boxes on machines without an emoji font, which many lab and port workstations are.
import type { ReactElement } from 'react';

const stroked = (...paths: string[]) => paths.map((d) => <path key={d} d={d} />);

const ICONS = {
  microphone: [<rect key="capsule" x="9" y="2" width="6" height="12" rx="3" />, ...stroked('M5 10a7 7 0 0 0 14 0', 'M12 17v5', 'M8 22h8')],
  microphoneOff: [
    <rect key="capsule" x="9" y="2" width="6" height="12" rx="3" />,
    ...stroked('M5 10a7 7 0 0 0 14 0', 'M12 17v5', 'M8 22h8', 'M3 3l18 18'),
  ],
  video: [<rect key="body" x="2" y="6" width="14" height="12" rx="2" />, ...stroked('M16 10l6-3v10l-6-3z')],
  videoOff: [<rect key="body" x="2" y="6" width="14" height="12" rx="2" />, ...stroked('M16 10l6-3v10l-6-3z', 'M2 2l20 20')],
  microscope: stroked('M9 3h4v9H9z', 'M11 12v3', 'M8 15h6', 'M15 8a6.5 6.5 0 0 1 0 13', 'M5 21h14'),
  screen: [<rect key="display" x="2" y="3" width="20" height="14" rx="2" />, ...stroked('M8 21h8', 'M12 17v4')],
  hand: stroked(
    'M7 11V5.5a1.5 1.5 0 0 1 3 0V10',
    'M10 10V3.5a1.5 1.5 0 0 1 3 0V10',
    'M13 10V4.5a1.5 1.5 0 0 1 3 0V11',
    'M16 11V7.5a1.5 1.5 0 0 1 3 0V14a8 8 0 0 1-8 8h-.5a6 6 0 0 1-4.6-2.2L3.4 15a1.6 1.6 0 0 1 2.4-2.1L7 14.2V11',
  ),
  image: [
    <rect key="frame" x="3" y="3" width="18" height="18" rx="2" />,
    <circle key="sun" cx="9" cy="9" r="2" />,
    ...stroked('M21 15l-5-5L5 21'),
  ],
  camera: [
    ...stroked('M4 7h3l2-3h6l2 3h3a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z'),
    <circle key="lens" cx="12" cy="13" r="4" />,
  ],
  leave: stroked('M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4', 'M16 17l5-5-5-5', 'M21 12H9'),
  power: stroked('M12 2v10', 'M18.4 6.6a9 9 0 1 1-12.8 0'),
  record: [<circle key="dot" cx="12" cy="12" r="6" fill="currentColor" stroke="none" />],
  stop: [<rect key="square" x="6" y="6" width="12" height="12" rx="1" fill="currentColor" stroke="none" />],
  flag: stroked('M5 22V3', 'M5 4h13l-3 4.5L18 13H5'),
  arrowLeft: stroked('M19 12H5', 'M12 19l-7-7 7-7'),
  arrowRight: stroked('M5 12h14', 'M12 5l7 7-7 7'),
  chevronLeft: stroked('M15 18l-6-6 6-6'),
  chevronRight: stroked('M9 18l6-6-6-6'),
  plus: stroked('M12 5v14', 'M5 12h14'),
  minus: stroked('M5 12h14'),
  close: stroked('M18 6L6 18', 'M6 6l12 12'),
  check: stroked('M20 6L9 17l-5-5'),
  pin: stroked('M9 4h6', 'M10 4v6l-3 4h10l-3-4V4', 'M12 14v7'),
  fullscreen: stroked('M4 9V4h5', 'M15 4h5v5', 'M20 15v5h-5', 'M9 20H4v-5'),
  grid: [
    <rect key="top-left" x="3" y="3" width="8" height="8" rx="1" />,
    <rect key="top-right" x="13" y="3" width="8" height="8" rx="1" />,
    <rect key="bottom-left" x="3" y="13" width="8" height="8" rx="1" />,
    <rect key="bottom-right" x="13" y="13" width="8" height="8" rx="1" />,
  ],
  stage: [
    <rect key="stage" x="2" y="3" width="20" height="12" rx="1" />,
    ...['3', '10', '17'].map((x) => <rect key={`strip-${x}`} x={x} y="18" width="4" height="3" rx="0.5" />),
  ],
  pen: stroked('M12 20h9', 'M16.5 3.5a2.12 2.12 0 0 1 3 3L7 19l-4 1 1-4z'),
  key: [<circle key="bow" cx="7.5" cy="15.5" r="4.5" />, ...stroked('M10.7 12.3L21 2', 'M16 7l3 3', 'M13.5 9.5l2.5 2.5')],
  menu: stroked('M4 6h16', 'M4 12h16', 'M4 18h16'),
  locate: [
    <circle key="centre" cx="12" cy="12" r="3" />,
    <circle key="ring" cx="12" cy="12" r="7" />,
    ...stroked('M12 2v3', 'M12 19v3', 'M2 12h3', 'M19 12h3'),
  ],
  cloudOff: stroked('M17.5 19H7a5 5 0 1 1 1.1-9.9A6 6 0 0 1 19.5 11a4 4 0 0 1-2 8z', 'M3 3l18 18'),
} satisfies Record<string, ReactElement[]>;

export type IconName = keyof typeof ICONS;

/**
 * One icon, sized to the text around it. With a `label` it is an image of its own (for an icon that is all a control
 * or a badge shows); without one it is decoration beside a text that says the same, hidden from screen readers.
 */
export function Icon({ name, label, className }: { name: IconName; label?: string; className?: string }) {
  const named = label === undefined ? { 'aria-hidden': true } : { role: 'img', 'aria-label': label };
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      viewBox="0 0 24 24"
      width="1.15em"
      height="1.15em"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      focusable="false"
      data-icon={name}
      {...named}
    >
      {label !== undefined && <title>{label}</title>}
      {ICONS[name]}
    </svg>
  );
}
