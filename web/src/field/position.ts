// The device's position for a specimen's record, from the Geolocation API (the phone's GPS where it has one).
import type { GeoPosition } from '@contract';

/** Why no position came: no Geolocation API, the person or the browser said no, no fix, or none in time. */
export type PositionProblem = 'unsupported' | 'denied' | 'unavailable' | 'timeout';

export class PositionUnavailable extends Error {
  constructor(readonly problem: PositionProblem) {
    super(`No position: ${problem}`);
    this.name = 'PositionUnavailable';
  }
}

/** GeolocationPositionError's codes. */
const PROBLEM_OF_CODE: Readonly<Record<number, PositionProblem>> = { 1: 'denied', 2: 'unavailable', 3: 'timeout' };

/** A fresh fix: a GPS may need half a minute outdoors; one a minute old is as good for a trap. */
const OPTIONS: PositionOptions = { enableHighAccuracy: true, timeout: 30_000, maximumAge: 60_000 };

export function currentPosition(): Promise<GeoPosition> {
  if (!('geolocation' in navigator)) return Promise.reject(new PositionUnavailable('unsupported'));
  return new Promise((resolve, reject) => {
    navigator.geolocation.getCurrentPosition(
      ({ coords }) =>
        resolve({
          // Six decimals are about 10 cm: more would only be noise.
          latitude: roundTo(coords.latitude, 6),
          longitude: roundTo(coords.longitude, 6),
          accuracyMetres: roundTo(coords.accuracy, 1),
        }),
      (error) => reject(new PositionUnavailable(PROBLEM_OF_CODE[error.code] ?? 'unavailable')),
      OPTIONS,
    );
  });
}

/** Whether the browser already refuses this site the position (the person said no before); false where it cannot tell. */
export async function positionRefused(): Promise<boolean> {
  try {
    return (await navigator.permissions.query({ name: 'geolocation' })).state === 'denied';
  } catch {
    return false;
  }
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
