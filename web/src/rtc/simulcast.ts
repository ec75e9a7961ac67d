// Simulcast: the camera is sent as three layers; each receiver asks for the one its tile needs.
import type { types } from 'mediasoup-client';

/** Camera: three simulcast layers (¼, ½ and full resolution); receivers choose by tile size. */
export const CAMERA_ENCODINGS: readonly types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

/** The spatial layer a tile of `width` CSS pixels needs (of `layers` available). */
export function layerForWidth(width: number, layers: number): number {
  const wanted = width >= 640 ? 2 : width >= 320 ? 1 : 0;
  return Math.max(0, Math.min(layers - 1, wanted));
}
