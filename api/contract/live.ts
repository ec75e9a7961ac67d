import { Type, type Static } from 'typebox';
import { Specimen } from './specimens.js';

/**
 * The live push on the default socket.io namespace (same origin, `auth: {token}` or the session cookie): event name →
 * payload, sent to everyone whose scope contains the specimen.
 */
export const LiveEvents = {
  'specimen.created': Type.Object({ specimen: Specimen }),
  'specimen.updated': Type.Object({ specimen: Specimen }),
  /** The automatic identification of a specimen finished (`done` or `failed`). */
  'identification.completed': Type.Object({ specimen: Specimen }),
};

export type LiveEventName = keyof typeof LiveEvents;
export type LiveEvent<Name extends LiveEventName> = Static<(typeof LiveEvents)[Name]>;

/** socket.io's typed event maps for the live push, on both ends. */
export type LiveServerToClientEvents = { [Name in LiveEventName]: (payload: LiveEvent<Name>) => void };
export type LiveClientToServerEvents = Record<never, never>;
