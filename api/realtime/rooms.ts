/** socket.io room names of the live channel, shared by the api's gateway and the workers' emitter. */
export const ALL_UNITS_ROOM = 'scope:all';

export const unitRoom = (unitId: string) => `unit:${unitId}`;

export function unitIdsOnPath(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** Everyone whose scope contains a record of this unit: administrators and each unit on its path. */
export function roomsForUnitPath(unitPath: string): string[] {
  return [ALL_UNITS_ROOM, ...unitIdsOnPath(unitPath).map(unitRoom)];
}
