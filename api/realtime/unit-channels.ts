/**
 * socket.io channel names of the live push (one per unit subtree), shared by the api's gateway and the workers' emitter.
 * These are socket.io "rooms" in socket.io's sense, not the live rooms of ADR 0009 (`rtc/`, `api/realtime/room-signalling.ts`).
 */
export const ALL_UNITS_ROOM = 'scope:all';

export const unitRoom = (unitId: string) => `unit:${unitId}`;

export function unitIdsOnPath(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** Everyone whose scope contains a record of this unit: administrators and each unit on its path. */
export function roomsForUnitPath(unitPath: string): string[] {
  return [ALL_UNITS_ROOM, ...unitIdsOnPath(unitPath).map(unitRoom)];
}
