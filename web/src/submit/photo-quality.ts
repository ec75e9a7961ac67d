// The server's image quality gate on each chosen photo (`POST /api/v1/images/quality`), asked as soon as a photo is
// chosen so its reasons show next to it before anything is submitted. Offline, or when the check gets no answer, it is
// skipped: the submission's own answer still holds, and a submission kept in the outbox is judged when it is sent.
import { useEffect, useMemo, useState } from 'react';
import { endpoints, type ImageQualityFinding, type ImageQualityMode } from '@contract';
import { formOf, upload } from '../api/client';
import type { ChosenPhoto } from './photo-checks';

/** What the gate says of one photo: its problems, and what a submission of it would get (`refuse`: refused). */
export interface PhotoQuality {
  mode: ImageQualityMode;
  problems: ImageQualityFinding[];
}

// Per file, for as long as the page lives: a photo kept in a form's draft is not sent to be checked again.
const verdicts = new WeakMap<File, Promise<PhotoQuality | null>>();

/** The gate's verdict on `file`; `null` when it could not be asked (offline, no answer, a file the server refuses outright). */
export function qualityOf(file: File): Promise<PhotoQuality | null> {
  if (!navigator.onLine) return Promise.resolve(null);
  let verdict = verdicts.get(file);
  if (!verdict) {
    verdict = askServer(file);
    verdicts.set(file, verdict);
    // A failed check is asked again the next time, when the network may be back.
    void verdict.then((known) => known === null && verdicts.delete(file));
  }
  return verdict;
}

async function askServer(file: File): Promise<PhotoQuality | null> {
  try {
    const check = await upload(endpoints.checkImageQuality, {}, formOf(endpoints.checkImageQuality, {}, [file]));
    return { mode: check.mode, problems: check.images[0]?.problems ?? [] };
  } catch {
    // Refusals of the file itself are named by the photo checks and by the upload; this check only adds to them.
    return null;
  }
}

/** Whether a submission of this photo would be refused for its quality. */
export function isRefused(quality: PhotoQuality | undefined): boolean {
  return quality?.mode === 'refuse' && quality.problems.length > 0;
}

/** The gate's verdict on each chosen photo known so far, by the photo's key; photos in `skip` are not sent to be checked. */
export function usePhotoQuality(photos: readonly ChosenPhoto[], skip: ReadonlySet<string>): ReadonlyMap<string, PhotoQuality> {
  const [known, setKnown] = useState<ReadonlyMap<File, PhotoQuality>>(new Map());
  const toCheck = useMemo(() => photos.filter((photo) => !skip.has(photo.key) && !known.has(photo.file)), [photos, skip, known]);

  useEffect(() => {
    let current = true;
    for (const { file } of toCheck) {
      void qualityOf(file).then((quality) => {
        if (current && quality) setKnown((previous) => new Map(previous).set(file, quality));
      });
    }
    return () => {
      current = false;
    };
  }, [toCheck]);

  return useMemo(
    () => new Map(photos.flatMap((photo) => (known.has(photo.file) ? [[photo.key, known.get(photo.file)!] as const] : []))),
    [photos, known],
  );
}
