import { Type, type Static } from 'typebox';
import { AlertNotice } from './alerts.js';
import { Room } from './rooms.js';
import { Specimen } from './specimens.js';

/**
 * The live push on the default socket.io namespace (same origin, `auth: {token}` or the session cookie): event name →
 * payload, sent to everyone whose scope contains the specimen (`alert.raised`: the people of the in-app channel's unit;
 * `class.started`: the trainees enrolled in the class).
 */
export const LiveEvents = {
  'specimen.created': Type.Object({ specimen: Specimen }),
  'specimen.updated': Type.Object({ specimen: Specimen }),
  /** The automatic identification of a specimen finished (`done` or `failed`). */
  'identification.completed': Type.Object({ specimen: Specimen }),
  /** An alert was opened, acknowledged, confirmed or dismissed: inboxes refresh. */
  'alert.changed': Type.Object({ alert: AlertNotice }),
  /** An in-app alert channel's notification: a first or watch-list detection needs attention now. */
  'alert.raised': Type.Object({ alert: AlertNotice }),
  /** A class its receiver is enrolled in went live: its presenter joined it (sent to the enrolled trainees only). */
  'class.started': Type.Object({ room: Room }),
};

export type LiveEventName = keyof typeof LiveEvents;
export type LiveEvent<Name extends LiveEventName> = Static<(typeof LiveEvents)[Name]>;
/** The events that carry a whole specimen. */
export type SpecimenEventName = { [Name in LiveEventName]: LiveEvent<Name> extends { specimen: unknown } ? Name : never }[LiveEventName];

/** socket.io's typed event maps for the live push, on both ends. */
export type LiveServerToClientEvents = { [Name in LiveEventName]: (payload: LiveEvent<Name>) => void };
export type LiveClientToServerEvents = Record<never, never>;
