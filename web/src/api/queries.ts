// What the pages read from the server and what they change there, as TanStack Query options and hooks built on
// `api.<operationId>`. Keys live in query-keys.ts; the live push writes into the same cache (live-cache.ts).
import { keepPreviousData, queryOptions, replaceEqualDeep, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  endpoints,
  type NewRoom,
  type Port,
  type RoomListQuery,
  type Specimen,
  type SpecimenListQuery,
  type UploadLimits,
  type User,
} from '@contract';
import { mergeSpecimen } from '../identification';
import { api, formOf, upload } from './client';
import { queryKeys, type SpecimenPage } from './query-keys';
import { keptPorts, keptUploadLimits } from '../field/kept-answers';
import { getSession, updateUser } from './session';
import { storeSpecimen } from './specimen-cache';

export const meQuery = queryOptions({
  queryKey: queryKeys.me,
  queryFn: async ({ signal }) => {
    const { user } = await api.getMe(undefined, { signal });
    updateUser(user); // the next visit starts from this copy
    return user;
  },
});

/** The signed-in user: the copy stored with the session at once, then the server's own. */
export function useMe(): User | undefined {
  return useQuery({ ...meQuery, initialData: getSession()?.user, initialDataUpdatedAt: 0 }).data;
}

const byCode = (ports: readonly Port[]) => ports.toSorted((a, b) => a.code.localeCompare(b.code));

/**
 * Asked once per session, an answer this device kept standing in until the server's arrives (a phone offline in the
 * field still has it): the kept one counts as old, the server's as current for the rest of the session.
 */
const ONCE_PER_SESSION = {
  initialDataUpdatedAt: 0,
  staleTime: (query: { state: { dataUpdatedAt: number } }) => (query.state.dataUpdatedAt === 0 ? 0 : Infinity),
} as const;

export const portsQuery = queryOptions({
  queryKey: queryKeys.ports,
  queryFn: async ({ signal }) => {
    const answer = await api.listPorts(undefined, { signal });
    keptPorts.remember(answer);
    return byCode(answer.items);
  },
  initialData: () => {
    const kept = keptPorts.remembered();
    return kept && byCode(kept.items);
  },
  ...ONCE_PER_SESSION,
});

const NO_PORTS: readonly Port[] = [];

/** Ports in the user's scope, by code (none while they load). */
export function usePorts(): { ports: readonly Port[]; loading: boolean; error: Error | null } {
  const { data, isPending, error } = useQuery(portsQuery);
  return { ports: data ?? NO_PORTS, loading: isPending, error };
}

// The server's configuration: it changes with a restart at most.
export const uploadLimitsQuery = queryOptions({
  queryKey: queryKeys.uploadLimits,
  queryFn: async ({ signal }) => {
    const limits = await api.getUploadLimits(undefined, { signal });
    keptUploadLimits.remember(limits);
    return limits;
  },
  initialData: () => keptUploadLimits.remembered(),
  ...ONCE_PER_SESSION,
});

/** What one upload may hold, as the server is configured (undefined while it loads). */
export function useUploadLimits(): UploadLimits | undefined {
  return useQuery(uploadLimitsQuery).data;
}

/** Keeps an identification a push finished while this page was being fetched (see mergeSpecimen). */
function mergePage(previous: SpecimenPage | undefined, incoming: SpecimenPage): SpecimenPage {
  if (!previous) return incoming;
  const known = new Map(previous.items.map((specimen) => [specimen.id, specimen]));
  return { ...incoming, items: incoming.items.map((specimen) => mergeSpecimen(known.get(specimen.id), specimen)) };
}

/**
 * Structural sharing that first merges old and new with `merge`: what did not change stays the same object (React
 * relies on it: a result rebuilt on every read would re-render without end).
 */
function sharing<T>(merge: (previous: T | undefined, incoming: T) => T): (previous: unknown, incoming: unknown) => unknown {
  return (previous, incoming) => replaceEqualDeep(previous, merge(previous as T | undefined, incoming as T));
}

export function specimenListQuery(query: SpecimenListQuery) {
  return queryOptions({
    queryKey: queryKeys.specimenList(query),
    queryFn: ({ signal }) => api.listSpecimens({ query }, { signal }),
    // Another filter or page keeps showing the rows it replaces until it arrives.
    placeholderData: keepPreviousData,
    structuralSharing: sharing(mergePage),
  });
}

export function specimenQuery(id: string) {
  return queryOptions({
    queryKey: queryKeys.specimen(id),
    queryFn: ({ signal }) => api.getSpecimen({ params: { id } }, { signal }),
    structuralSharing: sharing<Specimen>(mergeSpecimen),
  });
}

// Rooms have no live push: a page showing them asks again each time it opens.
export function roomListQuery(query: Partial<RoomListQuery>) {
  return queryOptions({
    queryKey: queryKeys.roomList(query),
    queryFn: ({ signal }) => api.listRooms({ query }, { signal }),
    staleTime: 0,
  });
}

export function roomQuery(id: string) {
  return queryOptions({
    queryKey: queryKeys.room(id),
    queryFn: ({ signal }) => api.getRoom({ params: { id } }, { signal }),
    staleTime: 0,
  });
}

export const modelsQuery = queryOptions({
  queryKey: queryKeys.models,
  queryFn: ({ signal }) => api.listModels(undefined, { signal }),
});

/** An expert's or administrator's verdict on a specimen; every page showing it takes the answer. */
export function useWithdrawSpecimen() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.updateSpecimen({ params: { id }, body: { status: 'rejected' } }),
    onSuccess: (specimen) => storeSpecimen(queryClient, specimen),
  });
}

/** Photographs added to a specimen (an answer to "more photos, please", say); its page asks again for the whole. */
export function useAddPhotos() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      specimenId,
      files,
      onProgress,
      signal,
    }: {
      specimenId: string;
      files: readonly File[];
      onProgress: (percent: number) => void;
      signal: AbortSignal;
    }) =>
      upload(endpoints.addSpecimenImages, { id: specimenId }, formOf(endpoints.addSpecimenImages, { origin: 'upload' }, files), {
        onProgress,
        signal,
      }),
    onSuccess: (_added, { specimenId }) => queryClient.invalidateQueries({ queryKey: queryKeys.specimen(specimenId) }),
  });
}

/** Opens a consultation or a class; room lists ask again. */
export function useCreateRoom() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (room: NewRoom) => api.createRoom({ body: room }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.roomLists }),
  });
}
