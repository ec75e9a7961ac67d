import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { setUnauthorizedHandler } from './api/client';
import { applyLivePushes } from './api/live-cache';
import { queryClient } from './api/query-client';
import { clearSession, getToken, subscribeSession } from './api/session';
import { connectLive, disconnectLive } from './api/live';
import { router } from './routes';

/**
 * The session's lifetime: signing in or out sends the router's guards round again and empties the cache of the
 * session that ended; while signed in, the live push runs and writes into the cache. Any 401 ends the session.
 */
function useSessionLifecycle(): void {
  const token = useSyncExternalStore(subscribeSession, getToken, getToken);
  const previousToken = useRef(token);

  useEffect(() => {
    setUnauthorizedHandler(() => clearSession());
    return () => setUnauthorizedHandler(null);
  }, []);

  useEffect(() => {
    if (previousToken.current !== token) {
      previousToken.current = token;
      queryClient.clear();
      void router.invalidate();
    }
    if (!token) return;
    connectLive();
    const stopApplying = applyLivePushes(queryClient);
    return () => {
      stopApplying();
      disconnectLive();
    };
  }, [token]);
}

export function App() {
  useSessionLifecycle();
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
