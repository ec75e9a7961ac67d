/**
 * socket.io channel names of the live push (one per unit subtree), shared by the api's gateway and the workers' emitter.
 * These are socket.io "rooms" in socket.io's sense, not the live rooms of ADR 0009 (`rtc/`, `api/realtime/room-signalling.ts`).
 */
export const ALL_UNITS_ROOM = 'scope:all';

export const unitRoom = (unitId: string) => `unit:${unitId}`;

/** Each person's own channel: pushes meant for them alone (a class they are enrolled in started). */
export const personRoom = (userId: string) => `person:${userId}`;

export function unitIdsOnPath(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** Everyone whose scope contains a record of this unit: administrators and each unit on its path. */
export function roomsForUnitPath(unitPath: string): string[] {
  return [ALL_UNITS_ROOM, ...unitIdsOnPath(unitPath).map(unitRoom)];
}

/**
 * Who an in-app alert channel notifies: the people whose scope root lies in the channel unit's subtree and contains
 * the specimen, i.e. the rooms of the units on the specimen's path from the channel's unit down — and administrators
 * (whose scope root is the organisation's) when the channel belongs to the root unit.
 */
export function roomsForAlertChannel(specimenUnitPath: string, channelUnitPath: string): string[] {
  if (!specimenUnitPath.startsWith(channelUnitPath)) return [];
  const channelDepth = unitIdsOnPath(channelUnitPath).length;
  const rooms = unitIdsOnPath(specimenUnitPath)
    .slice(channelDepth - 1)
    .map(unitRoom);
  return channelDepth === 1 ? [ALL_UNITS_ROOM, ...rooms] : rooms;
}
