// The live push written into the query cache: every page showing a specimen follows it without asking again.
import type { QueryClient } from '@tanstack/react-query';
import { onLive, onLiveReconnected } from './live';
import { queryKeys } from './query-keys';
import { addSpecimen, storeSpecimen } from './specimen-cache';

/** Starts applying pushes to `queryClient`; returns the function that stops it. */
export function applyLivePushes(queryClient: QueryClient): () => void {
  const stops = [
    onLive('specimen.created', ({ specimen }) => addSpecimen(queryClient, specimen)),
    onLive('specimen.updated', ({ specimen }) => storeSpecimen(queryClient, specimen)),
    onLive('identification.completed', ({ specimen }) => storeSpecimen(queryClient, specimen)),
    // Pushes sent while the connection was down are lost: whatever is cached of specimens is asked again.
    onLiveReconnected(() => void queryClient.invalidateQueries({ queryKey: queryKeys.specimens })),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
