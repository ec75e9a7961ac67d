// The one cache of server state for the app.
import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './client';
import { getToken } from './session';

/** A refusal (4xx) will not change on a second try; a network error or a 5xx may. */
function shouldRetry(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 2;
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Long enough that a page prefetched by its route is not asked again when it mounts; specimens are kept current
      // by the live push, rooms ask again every time (their queries say so).
      staleTime: 10_000,
      // The live push keeps what is shown current, and a reconnect asks again for specimens (api/live-cache.ts).
      refetchOnWindowFocus: false,
      retry: shouldRetry,
      // Signed out, every request would only be refused; pages still on screen while leaving must not ask.
      enabled: () => getToken() !== null,
    },
  },
});
