// The room page's data: the room and its specimen from the API, the connection to the live room and its state.
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { RoomDetail, Specimen } from '@contract';
import { api } from '../../api/client';
import { mergeSpecimen } from '../../identification';
import { useLiveEvent } from '../../live';
import { DEFAULT_DEVICES, type DeviceChoice, type JoinMedia } from '../../rtc/local-media';
import { RoomClient, type RoomTestHook } from '../../rtc/room-client';
import { initialRoomState, type RoomState } from '../../rtc/room-state';

declare global {
  interface Window {
    /** The open room's test hook (end-to-end tests read statistics and cut the connection through it). */
    __vectordeskRoom?: RoomTestHook;
  }
}

/** The room's record and, for a consultation, its specimen (kept up to date: stills saved onto it become choices). */
export function useRoomDetail(id: string): { detail: RoomDetail | null; specimen: Specimen | null; loadError: unknown } {
  const [detail, setDetail] = useState<RoomDetail | null>(null);
  const [specimen, setSpecimen] = useState<Specimen | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    api.getRoom({ params: { id } }, { signal: controller.signal }).then(
      (loaded) => {
        setDetail(loaded);
        if (loaded.room.specimenId) {
          api.getSpecimen({ params: { id: loaded.room.specimenId } }, { signal: controller.signal }).then(setSpecimen, () => undefined);
        }
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setLoadError(error);
      },
    );
    return () => controller.abort();
  }, [id]);
  useLiveEvent('specimen.updated', ({ specimen: pushed }) => setSpecimen((current) => (current?.id === pushed.id ? mergeSpecimen(current, pushed) : current)));

  return { detail, specimen, loadError };
}

/**
 * The connection to the live room: none until the person joins from the pre-join screen, one RoomClient per join
 * (`reset` goes back to the pre-join screen). Leaving the page leaves the room; the test hook follows the open client.
 */
export function useRoomConnection(id: string): { client: RoomClient | null; devices: DeviceChoice; join: (media: JoinMedia) => void; reset: () => void } {
  const [client, setClient] = useState<RoomClient | null>(null);
  const [devices, setDevices] = useState<DeviceChoice>(DEFAULT_DEVICES);

  useEffect(() => {
    if (!client) return;
    const hook = client.testHook();
    window.__vectordeskRoom = hook;
    return () => {
      client.leave();
      if (window.__vectordeskRoom === hook) delete window.__vectordeskRoom;
    };
  }, [client]);

  function join(media: JoinMedia): void {
    const next = new RoomClient(id);
    setDevices(media.devices);
    // Published before joining: sent as soon as the room is joined.
    for (const source of ['camera', 'microphone', 'microscope'] as const) {
      const track = media[source];
      if (track) next.publish(source, track).catch(() => undefined);
    }
    setClient(next);
    next.join().catch(() => undefined); // a failure shows as the closed state with its reason
  }

  return { client, devices, join, reset: () => setClient(null) };
}

const IDLE_STATE = initialRoomState('');
const idleState = () => IDLE_STATE;
const noChanges = () => () => undefined;

/** The live room's state, re-rendering on every change (the idle state while there is no client). */
export function useRoomState(client: RoomClient | null): RoomState {
  return useSyncExternalStore(client?.subscribe ?? noChanges, client?.getState ?? idleState, client?.getState ?? idleState);
}

/** The current time, ticking every second while `active`. */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return active ? now : Date.now();
}
