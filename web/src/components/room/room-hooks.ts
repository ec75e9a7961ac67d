// The room page's data: the room and its specimen from the API, the connection to the live room and its state.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { RoomDetail, Specimen } from '@contract';
import { roomQuery, specimenQuery } from '../../api/queries';
import { DEFAULT_DEVICES, type DeviceChoice, type JoinMedia } from '../../rtc/local-media';
import { RoomClient, type RoomTestHook } from '../../rtc/room-client';
import { initialRoomState, type RoomState } from '../../rtc/room-state';

declare global {
  interface Window {
    /** The open room's test hook (end-to-end tests read statistics and cut the connection through it). */
    __vectordeskRoom?: RoomTestHook;
  }
}

/** The room's record and, for a consultation, its specimen (the live push keeps it current: stills saved onto it become choices). */
export function useRoomDetail(id: string): { detail: RoomDetail | null; specimen: Specimen | null; loadError: unknown } {
  const room = useQuery(roomQuery(id));
  const specimenId = room.data?.room.specimenId ?? null;
  const specimen = useQuery({ ...specimenQuery(specimenId ?? ''), enabled: specimenId !== null });
  return { detail: room.data ?? null, specimen: specimenId === null ? null : (specimen.data ?? null), loadError: room.error };
}

/**
 * The connection to the live room: none until the person joins from the pre-join screen, one RoomClient per join
 * (`reset` goes back to the pre-join screen). Leaving the page leaves the room; the test hook follows the open client.
 */
export function useRoomConnection(id: string): {
  client: RoomClient | null;
  devices: DeviceChoice;
  join: (media: JoinMedia) => void;
  reset: () => void;
} {
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

/** The current time, ticking every second while `active` (and read once as it starts); otherwise when it last ticked. */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [active]);
  return now;
}
