import { lazy, Suspense, useEffect, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { api, setUnauthorizedHandler } from './api/client';
import { clearSession, getSession, subscribeSession, updateUser } from './api/session';
import { Layout } from './components/Layout';
import { clearPortsCache } from './hooks';
import { connectLive, disconnectLive } from './live';
import { LoginPage } from './pages/LoginPage';
import { MySpecimensPage } from './pages/MySpecimensPage';
import { SpecimenDetailPage } from './pages/SpecimenDetailPage';
import { SubmitSpecimenPage } from './pages/SubmitSpecimenPage';
import { navigate, parseHash, useHash } from './router';

// Live rooms bring mediasoup-client along: loaded when a room is opened, not with the rest of the app.
const RoomPage = lazy(() => import('./pages/RoomPage').then((module) => ({ default: module.RoomPage })));

function useSession() {
  return useSyncExternalStore(subscribeSession, getSession, getSession);
}

function logout(): void {
  // Fire the request first: it reads the token synchronously before we clear it.
  api.logout().catch(() => undefined);
  clearSession();
}

export function App() {
  const { t } = useTranslation();
  const session = useSession();
  const route = parseHash(useHash());
  const token = session?.token ?? null;

  // Any 401 from an authenticated call ends the session.
  useEffect(() => {
    setUnauthorizedHandler(() => clearSession());
    return () => setUnauthorizedHandler(null);
  }, []);

  // Guard: unauthenticated -> #/login; authenticated on #/login -> #/specimens.
  useEffect(() => {
    if (!session && route.name !== 'login') navigate('#/login', true);
    else if (session && route.name === 'login') navigate('#/specimens', true);
  }, [session, route.name]);

  // Live connection and a fresh copy of the user for the current token.
  useEffect(() => {
    if (!token) {
      disconnectLive();
      clearPortsCache();
      return;
    }
    connectLive();
    const controller = new AbortController();
    api.getMe(undefined, { signal: controller.signal }).then(
      (r) => updateUser(r.user),
      () => undefined, // a 401 already logged us out; other errors keep the stored user
    );
    return () => {
      controller.abort();
      disconnectLive();
    };
  }, [token]);

  if (route.name === 'login') return session ? null : <LoginPage />;
  if (!session) return null;

  const active = route.name === 'submit' ? 'submit' : route.name === 'specimens' || route.name === 'specimen' ? 'specimens' : null;

  let page;
  switch (route.name) {
    case 'submit':
      page = <SubmitSpecimenPage />;
      break;
    case 'specimens':
      page = <MySpecimensPage />;
      break;
    case 'specimen':
      page = <SpecimenDetailPage key={route.id} id={route.id} user={session.user} />;
      break;
    case 'room':
      page = (
        <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
          <RoomPage key={route.id} id={route.id} user={session.user} />
        </Suspense>
      );
      break;
    case 'notFound':
      page = (
        <section className="page">
          <p className="empty">{t('errors.not_found')}</p>
          <a href="#/specimens">{t('common.back')}</a>
        </section>
      );
      break;
  }

  return (
    <Layout user={session.user} active={active} onLogout={logout}>
      {page}
    </Layout>
  );
}
