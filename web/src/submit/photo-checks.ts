// The browser's side of the photo checks (file-checks.ts): reading each photo's pixel size, and the checks as the
// pages use them — live while photos are chosen, and once more, complete, before anything is sent.
import { useEffect, useMemo, useState } from 'react';
import type { UploadLimits } from '@contract';
import { needsPixelSize, photoProblems, type FileProblem, type PixelSize } from './file-checks';

/** A chosen photo: its key in the form and its file. */
export interface ChosenPhoto {
  key: string;
  file: File;
}

// Per file, for as long as the page lives: a photo kept in a form's draft is not read again when the form comes back.
const pixelSizes = new WeakMap<File, Promise<PixelSize>>();

/**
 * The photo's width and height as the browser reads them from the file's header (an image element that is never
 * shown: it is not painted, so its pixels are not decoded for this); `null` for a format the browser cannot read.
 */
export function pixelSizeOf(file: File): Promise<PixelSize> {
  let size = pixelSizes.get(file);
  if (!size) {
    size = readPixelSize(file);
    pixelSizes.set(file, size);
  }
  return size;
}

function readPixelSize(file: File): Promise<PixelSize> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const image = new Image();
    const settle = (size: PixelSize) => {
      URL.revokeObjectURL(url);
      resolve(size);
    };
    image.onload = () => settle(image.naturalWidth > 0 ? { width: image.naturalWidth, height: image.naturalHeight } : null);
    image.onerror = () => settle(null);
    image.src = url;
  });
}

/** Every problem of `photos`, their pixel sizes read first: the check that decides whether they may be sent. */
export async function checkPhotos(photos: readonly ChosenPhoto[], limits: UploadLimits): Promise<FileProblem[]> {
  const checked = await Promise.all(
    photos.map(async (photo) => ({ ...photo, pixels: needsPixelSize(photo.file, limits) ? await pixelSizeOf(photo.file) : null })),
  );
  return photoProblems(checked, limits);
}

/**
 * The problems of the chosen photos as they are known so far (pixel sizes arrive as the browser reads them), and
 * whether some are still being read. Nothing while the limits are not known.
 */
export function usePhotoProblems(
  photos: readonly ChosenPhoto[],
  limits: UploadLimits | undefined,
): { problems: FileProblem[]; checking: boolean; unchecked: ReadonlySet<string> } {
  const [sizes, setSizes] = useState<ReadonlyMap<File, PixelSize>>(new Map());
  const toRead = useMemo(
    () => (limits ? photos.filter((photo) => needsPixelSize(photo.file, limits) && !sizes.has(photo.file)) : []),
    [photos, limits, sizes],
  );

  useEffect(() => {
    let current = true;
    for (const { file } of toRead) {
      void pixelSizeOf(file).then((size) => {
        if (current) setSizes((known) => new Map(known).set(file, size));
      });
    }
    return () => {
      current = false;
    };
  }, [toRead]);

  const problems = useMemo(
    () =>
      limits
        ? photoProblems(
            photos.map((photo) => ({ ...photo, pixels: sizes.get(photo.file) })),
            limits,
          )
        : [],
    [photos, limits, sizes],
  );
  // Photos not yet checked here: the limits are not known yet, or their pixel size is still being read.
  const unchecked = useMemo(() => new Set((limits ? toRead : photos).map((photo) => photo.key)), [limits, toRead, photos]);
  return { problems, checking: toRead.length > 0, unchecked };
}
