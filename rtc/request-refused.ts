import type { RtcErrorCode } from './protocol.js';

/**
 * A request the room's owner refused for a reason the client tells apart by its code (an answer already given, a
 * question closed …): the signalling answers `{ ok: false, error: { code, message } }` with exactly this code.
 */
export class RequestRefused extends Error {
  constructor(
    readonly code: RtcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RequestRefused';
  }
}
