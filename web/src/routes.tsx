// The app's pages as one code-based TanStack Router tree on hash history: every link is `#/<path>` (the server serves
// index.html at `/` only). Pages load on first use. Everything but the login page needs a session; signing in
// returns to the page asked for. A page's data starts loading with its code (the loaders prefetch into the query cache).
import type { QueryClient } from '@tanstack/react-query';
import {
  createHashHistory,
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
} from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { parseAlertSearch, alertListQueryFor } from './alert-inbox';
import { alertChannelsQuery } from './api/alert-channel-queries';
import { alertListQuery, alertQuery } from './api/alert-queries';
import { auditEntriesQuery } from './api/audit-queries';
import { labsQuery } from './api/appointment-queries';
import { courseQuery, coursesQuery, myAssignmentsQuery } from './api/course-queries';
import { datasetSnapshotsQuery } from './api/dataset-queries';
import { labDetailsQuery, unitsQuery } from './api/organisation-queries';
import { practiceProgressQuery, practiceSessionQuery, practiceSessionsQuery } from './api/practice-queries';
import { modelsQuery, portsQuery, specimenListQuery, specimenQuery } from './api/queries';
import { queryClient } from './api/query-client';
import { reviewQueueQuery, similarSpecimensQuery } from './api/review-queries';
import { dashboardQueries } from './api/stats-queries';
import { triageRulesQuery } from './api/taxa-queries';
import { ACCOUNTS_SHOWN, administeredUnitsQuery, userAccountsQuery } from './api/user-queries';
import { getSession, type Session } from './api/session';
import { parseScheduleSearch } from './appointments';
import { auditQueryFor, parseAuditSearch } from './audit-search';
import { Layout } from './components/Layout';
import { HOME } from './navigation';
import { NotFoundPage } from './pages/NotFoundPage';
import { parseReviewSearch, reviewQueueQueryFor } from './review/search';
import { parseDashboardSearch } from './dashboard/search';
import { parseSpecimenSearch, specimenListQueryFor } from './specimen-search';

export interface RouterContext {
  queryClient: QueryClient;
  /** The session now (the app invalidates the router when it starts or ends). */
  session: () => Session | null;
}

/** Where signing in may return to: a path of this app, not another site (`//host`) nor the login page itself. */
function returnPath(raw: unknown): string | undefined {
  return typeof raw === 'string' && raw.startsWith('/') && !raw.startsWith('//') && !raw.startsWith('/login') ? raw : undefined;
}

function PendingPage() {
  const { t } = useTranslation();
  return <p className="muted">{t('common.loading')}</p>;
}

const rootRoute = createRootRouteWithContext<RouterContext>()();

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'login',
  // `undefined`, not left out, where it is not one: the router would keep the raw value of a key left out.
  validateSearch: (search): { redirect?: string | undefined } => ({ redirect: returnPath(search.redirect) }),
  beforeLoad: ({ context, search }) => {
    if (context.session()) throw redirect({ href: search.redirect ?? '/', replace: true });
  },
  component: lazyRouteComponent(() => import('./pages/LoginPage'), 'LoginPage'),
});

const signedInRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'signed-in',
  beforeLoad: ({ context, location }) => {
    const session = context.session();
    if (!session) throw redirect({ to: '/login', search: { redirect: location.href }, replace: true });
    return { role: session.user.role };
  },
  component: Layout,
});

const homeRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/',
  beforeLoad: ({ context }) => {
    throw redirect({ to: HOME[context.role], replace: true });
  },
});

const submitRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'submit',
  loader: ({ context }) => void context.queryClient.prefetchQuery(portsQuery),
  component: lazyRouteComponent(() => import('./pages/SubmitSpecimenPage'), 'SubmitSpecimenPage'),
});

const specimensRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'specimens',
  validateSearch: parseSpecimenSearch,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => void context.queryClient.prefetchQuery(specimenListQuery(specimenListQueryFor(deps))),
  component: lazyRouteComponent(() => import('./pages/MySpecimensPage'), 'MySpecimensPage'),
});

// The charts (ECharts; the base map when first drawn) load with the page, their figures with its code.
const dashboardRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'dashboard',
  validateSearch: parseDashboardSearch,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => {
    const { overview, overTime, taxa, ports, turnaround } = dashboardQueries(deps);
    void context.queryClient.prefetchQuery(overview);
    void context.queryClient.prefetchQuery(overTime);
    void context.queryClient.prefetchQuery(taxa);
    void context.queryClient.prefetchQuery(ports);
    void context.queryClient.prefetchQuery(turnaround);
  },
  component: lazyRouteComponent(() => import('./pages/DashboardPage'), 'DashboardPage'),
});

const specimenRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'specimens/$id',
  // Another specimen is another page (the status editor starts from its own status).
  remountDeps: ({ params }) => params.id,
  loader: ({ context, params }) => void context.queryClient.prefetchQuery(specimenQuery(params.id)),
  component: lazyRouteComponent(() => import('./pages/SpecimenDetailPage'), 'SpecimenDetailPage'),
});

const roomsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'rooms',
  component: lazyRouteComponent(() => import('./pages/RoomsPage'), 'RoomsPage'),
});

// Live rooms bring mediasoup-client along: its code loads when a room is opened.
const roomRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'rooms/$id',
  component: lazyRouteComponent(() => import('./pages/RoomRoute'), 'RoomRoute'),
});

// The admin console: its sections share one frame, with their own navigation, under `#/admin`.
const adminRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'admin',
  component: lazyRouteComponent(() => import('./pages/AdminConsole'), 'AdminConsole'),
});

const adminHomeRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: '/',
  component: lazyRouteComponent(() => import('./pages/AdminConsole'), 'AdminHomePage'),
});

// Where the models page was before the console: old bookmarks still arrive.
const oldModelsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'models',
  beforeLoad: () => {
    throw redirect({ to: '/admin/models', replace: true });
  },
});

const modelsRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: 'models',
  loader: ({ context }) => void context.queryClient.prefetchQuery(modelsQuery),
  component: lazyRouteComponent(() => import('./pages/ModelsPage'), 'ModelsPage'),
});

const datasetsRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: 'datasets',
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(datasetSnapshotsQuery);
    void context.queryClient.prefetchQuery(unitsQuery);
  },
  component: lazyRouteComponent(() => import('./pages/DatasetsPage'), 'DatasetsPage'),
});

const reviewQueueRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'review',
  validateSearch: parseReviewSearch,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => void context.queryClient.prefetchQuery(reviewQueueQuery(reviewQueueQueryFor(deps))),
  component: lazyRouteComponent(() => import('./pages/ReviewQueuePage'), 'ReviewQueuePage'),
});

// The queue filter travels along (`?queue=critical`): "next" walks the queue the expert chose.
const reviewRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'review/$specimenId',
  validateSearch: parseReviewSearch,
  loaderDeps: ({ search }) => search,
  // Another specimen is another review (its own form, zoom and outcome).
  remountDeps: ({ params }) => params.specimenId,
  loader: ({ context, params, deps }) => {
    void context.queryClient.prefetchQuery(specimenQuery(params.specimenId));
    void context.queryClient.prefetchQuery(similarSpecimensQuery(params.specimenId));
    void context.queryClient.prefetchQuery(reviewQueueQuery(reviewQueueQueryFor(deps)));
  },
  component: lazyRouteComponent(() => import('./pages/ReviewPage'), 'ReviewPage'),
});

const alertsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'alerts',
  validateSearch: parseAlertSearch,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => void context.queryClient.prefetchQuery(alertListQuery(alertListQueryFor(deps))),
  component: lazyRouteComponent(() => import('./pages/AlertsPage'), 'AlertsPage'),
});

const alertRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'alerts/$alertId',
  loader: ({ context, params }) => void context.queryClient.prefetchQuery(alertQuery(params.alertId)),
  component: lazyRouteComponent(() => import('./pages/AlertPage'), 'AlertPage'),
});

const taxaAdminRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: 'taxa',
  component: lazyRouteComponent(() => import('./pages/TaxaAdminPage'), 'TaxaAdminPage'),
});

const triageRulesRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: 'triage',
  loader: ({ context }) => void context.queryClient.prefetchQuery(triageRulesQuery),
  component: lazyRouteComponent(() => import('./pages/TriageRulesPage'), 'TriageRulesPage'),
});

const alertChannelsRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: 'alert-channels',
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(alertChannelsQuery);
    void context.queryClient.prefetchQuery(unitsQuery);
  },
  component: lazyRouteComponent(() => import('./pages/AlertChannelsPage'), 'AlertChannelsPage'),
});

const usersAdminRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: 'users',
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(userAccountsQuery({ limit: ACCOUNTS_SHOWN }));
    void context.queryClient.prefetchQuery(administeredUnitsQuery);
  },
  component: lazyRouteComponent(() => import('./pages/UsersAdminPage'), 'UsersAdminPage'),
});

const unitsAdminRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: 'units',
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(unitsQuery);
    void context.queryClient.prefetchQuery(labDetailsQuery);
  },
  component: lazyRouteComponent(() => import('./pages/UnitsAdminPage'), 'UnitsAdminPage'),
});

const auditRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: 'audit',
  validateSearch: parseAuditSearch,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => void context.queryClient.prefetchQuery(auditEntriesQuery(auditQueryFor(deps))),
  component: lazyRouteComponent(() => import('./pages/AuditTrailPage'), 'AuditTrailPage'),
});

const appointmentsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'appointments',
  validateSearch: parseScheduleSearch,
  loader: ({ context }) => void context.queryClient.prefetchQuery(labsQuery),
  component: lazyRouteComponent(() => import('./pages/AppointmentsPage'), 'AppointmentsPage'),
});

const labScheduleRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'lab-schedule',
  validateSearch: parseScheduleSearch,
  loader: ({ context }) => void context.queryClient.prefetchQuery(labsQuery),
  component: lazyRouteComponent(() => import('./pages/LabSchedulePage'), 'LabSchedulePage'),
});

const bankRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'bank',
  component: lazyRouteComponent(() => import('./pages/BankPage'), 'BankPage'),
});

// Another taxon is another entry (its own page of specimens).
const bankEntryRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'bank/$taxonId',
  remountDeps: ({ params }) => params.taxonId,
  component: lazyRouteComponent(() => import('./pages/BankTaxonPage'), 'BankTaxonPage'),
});

// A trainee's practice: `?set=` is the set being worked through.
const practiceRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'practice',
  validateSearch: (search): { set?: string | undefined } => ({ set: typeof search.set === 'string' ? search.set : undefined }),
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => {
    if (deps.set) void context.queryClient.prefetchQuery(practiceSessionQuery(deps.set));
    else void context.queryClient.prefetchQuery(practiceSessionsQuery);
  },
  component: lazyRouteComponent(() => import('./pages/PracticePage'), 'PracticePage'),
});

const practiceProgressRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'practice/progress',
  loader: ({ context }) => void context.queryClient.prefetchQuery(practiceProgressQuery),
  component: lazyRouteComponent(() => import('./pages/PracticeProgressPage'), 'PracticeProgressPage'),
});

// A course's practice assignment: opening it starts (or resumes) its set.
const practiceAssignmentRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'practice/assignments/$assignmentId',
  remountDeps: ({ params }) => params.assignmentId,
  component: lazyRouteComponent(() => import('./pages/PracticeAssignmentPage'), 'PracticeAssignmentPage'),
});

const coursesRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'courses',
  loader: ({ context }) => void context.queryClient.prefetchQuery(coursesQuery),
  component: lazyRouteComponent(() => import('./pages/CoursesPage'), 'CoursesPage'),
});

const courseRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'courses/$courseId',
  loader: ({ context, params }) => void context.queryClient.prefetchQuery(courseQuery(params.courseId)),
  component: lazyRouteComponent(() => import('./pages/CoursePage'), 'CoursePage'),
});

const learningRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'learning',
  loader: ({ context }) => void context.queryClient.prefetchQuery(myAssignmentsQuery),
  component: lazyRouteComponent(() => import('./pages/LearningPage'), 'LearningPage'),
});

// Any other address, signed in: says so inside the app's frame, with the way home.
const unknownRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '$',
  component: NotFoundPage,
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  signedInRoute.addChildren([
    homeRoute,
    submitRoute,
    specimensRoute,
    dashboardRoute,
    specimenRoute,
    roomsRoute,
    roomRoute,
    oldModelsRoute,
    reviewQueueRoute,
    reviewRoute,
    alertsRoute,
    alertRoute,
    adminRoute.addChildren([
      adminHomeRoute,
      usersAdminRoute,
      unitsAdminRoute,
      modelsRoute,
      datasetsRoute,
      taxaAdminRoute,
      triageRulesRoute,
      alertChannelsRoute,
      auditRoute,
    ]),
    appointmentsRoute,
    labScheduleRoute,
    bankRoute,
    bankEntryRoute,
    practiceRoute,
    practiceProgressRoute,
    practiceAssignmentRoute,
    coursesRoute,
    courseRoute,
    learningRoute,
    unknownRoute,
  ]),
]);

export const router = createRouter({
  routeTree,
  history: createHashHistory(),
  context: { queryClient, session: getSession },
  defaultPendingComponent: PendingPage,
  scrollRestoration: true,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
