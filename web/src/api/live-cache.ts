// The live push written into the query cache: every page showing a specimen follows it without asking again; the
// review queues, the alert inboxes and the room lists, whose membership only the server knows, ask again.
import type { QueryClient } from '@tanstack/react-query';
import { clearAlertNotices, noteAlertChange, showAlertNotice } from './alert-notices';
import { clearClassNotices, showClassNotice } from './class-notices';
import { onLive, onLiveReconnected } from './live';
import { queryKeys } from './query-keys';
import { addSpecimen, storeSpecimen } from './specimen-cache';

/** Starts applying pushes to `queryClient`; returns the function that stops it. */
export function applyLivePushes(queryClient: QueryClient): () => void {
  const askAgain = (queryKey: readonly unknown[]) => void queryClient.invalidateQueries({ queryKey });
  const stops = [
    onLive('specimen.created', ({ specimen }) => addSpecimen(queryClient, specimen)),
    onLive('specimen.updated', ({ specimen }) => {
      storeSpecimen(queryClient, specimen);
      askAgain(queryKeys.reviewQueues);
    }),
    onLive('identification.completed', ({ specimen }) => {
      storeSpecimen(queryClient, specimen);
      askAgain(queryKeys.reviewQueues);
    }),
    onLive('alert.changed', ({ alert }) => {
      noteAlertChange(alert);
      askAgain(queryKeys.alerts);
    }),
    onLive('alert.raised', ({ alert }) => showAlertNotice(alert)),
    onLive('class.started', ({ room }) => {
      showClassNotice(room);
      askAgain(queryKeys.roomLists);
      askAgain(queryKeys.room(room.id));
    }),
    // Pushes sent while the connection was down are lost: whatever is cached of them is asked again.
    onLiveReconnected(() => {
      for (const queryKey of [queryKeys.specimens, queryKeys.reviewQueues, queryKeys.alerts]) askAgain(queryKey);
    }),
  ];
  return () => {
    for (const stop of stops) stop();
    clearAlertNotices();
    clearClassNotices();
  };
}
