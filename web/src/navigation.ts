// The main navigation: which pages each role finds in the header, one line per entry, and where each role starts.
// A page joins the navigation with its route (routes.tsx) and one line here.
import type { RegisteredRouter } from '@tanstack/react-router';
import type { Role } from '@contract';
import type en from './locales/en.json';

/** A path of the route tree (routes.tsx), e.g. `/specimens`; an index route (`/admin/`) is linked to as its parent (`/admin`). */
type Path = Exclude<keyof RegisteredRouter['routesByPath'], `${string}/`> | '/';

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
  { to: '/courses', label: 'courses', testId: 'nav-courses', roles: ['expert', 'admin'] },
  { to: '/learning', label: 'learning', testId: 'nav-learning', roles: ['trainee'] },
  { to: '/practice', label: 'practice', testId: 'nav-practice', roles: ['trainee'] },
  { to: '/bank', label: 'bank', testId: 'nav-bank', roles: ['staff', 'expert', 'admin', 'trainee'] },
  { to: '/admin', label: 'admin', testId: 'nav-admin', roles: ['admin'] },
];

export type AdminSection = Omit<NavItem, 'roles' | 'badge'>;

/** The admin console's sections (`#/admin`), in the order of its own navigation. */
export const ADMIN_SECTIONS: readonly AdminSection[] = [
  { to: '/admin/users', label: 'users', testId: 'nav-users' },
  { to: '/admin/units', label: 'units', testId: 'nav-units' },
  { to: '/admin/models', label: 'models', testId: 'nav-models' },
  { to: '/admin/datasets', label: 'datasets', testId: 'nav-datasets' },
  { to: '/admin/taxa', label: 'taxa', testId: 'nav-taxa' },
  { to: '/admin/triage', label: 'triage', testId: 'nav-triage' },
  { to: '/admin/alert-channels', label: 'alertChannels', testId: 'nav-alert-channels' },
  { to: '/admin/audit', label: 'audit', testId: 'nav-audit' },
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
