// The main navigation: which pages each role finds in the header, one line per entry, and where each role starts.
// A page joins the navigation with its route (routes.tsx) and one line here.
import type { RegisteredRouter } from '@tanstack/react-router';
import type { Role } from '@contract';
import type en from './locales/en.json';

/** A path of the route tree (routes.tsx), e.g. `/specimens`. */
type Path = keyof RegisteredRouter['routesByPath'];

export interface NavItem {
  to: Path;
  /** Its label, under `nav.` in the locale files. */
  label: keyof (typeof en)['nav'];
  testId: string;
  roles: readonly Role[];
  /** A count shown beside the label: the alerts waiting for someone. */
  badge?: 'openAlerts';
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/submit', label: 'submit', testId: 'nav-submit', roles: ['staff'] },
  { to: '/specimens', label: 'specimens', testId: 'nav-specimens', roles: ['staff', 'expert', 'admin'] },
  { to: '/dashboard', label: 'dashboard', testId: 'nav-dashboard', roles: ['staff', 'expert', 'admin'] },
  { to: '/review', label: 'review', testId: 'nav-review', roles: ['expert'] },
  { to: '/alerts', label: 'alerts', testId: 'nav-alerts', roles: ['staff', 'expert', 'admin'], badge: 'openAlerts' },
  { to: '/appointments', label: 'appointments', testId: 'nav-appointments', roles: ['staff', 'expert'] },
  { to: '/lab-schedule', label: 'labSchedule', testId: 'nav-lab-schedule', roles: ['expert', 'admin'] },
  { to: '/rooms', label: 'rooms', testId: 'nav-rooms', roles: ['expert', 'admin'] },
  { to: '/rooms', label: 'classes', testId: 'nav-classes', roles: ['trainee'] },
  { to: '/models', label: 'models', testId: 'nav-models', roles: ['admin'] },
  { to: '/admin/taxa', label: 'taxa', testId: 'nav-taxa', roles: ['admin'] },
  { to: '/admin/triage', label: 'triage', testId: 'nav-triage', roles: ['admin'] },
  { to: '/admin/alert-channels', label: 'alertChannels', testId: 'nav-alert-channels', roles: ['admin'] },
  { to: '/admin/users', label: 'users', testId: 'nav-users', roles: ['admin'] },
  { to: '/admin/units', label: 'units', testId: 'nav-units', roles: ['admin'] },
];

export function navItemsFor(role: Role): NavItem[] {
  return NAV_ITEMS.filter((item) => item.roles.includes(role));
}

/** Where `#/` (and signing in without a page to return to) leads, by role. */
export const HOME: Readonly<Record<Role, Path>> = {
  staff: '/specimens',
  expert: '/specimens',
  admin: '/specimens',
  trainee: '/rooms',
};
