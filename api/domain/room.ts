import type { RoomKind as RtcRoomKind, RoomRole as RtcRoomRole } from '../../rtc/permissions.js';
import type { RoomEventKind as RtcRoomEventKind } from '../../rtc/signalling.js';
import type { RoomEventKind, RoomKind, RoomRole } from '../db/schema.js';

export type { RoomEventKind, RoomKind, RoomRole };

export const ROOM_KINDS = ['consultation', 'class'] as const satisfies readonly RoomKind[];
export const ROOM_ROLES = ['host', 'participant', 'trainee'] as const satisfies readonly RoomRole[];
export const ROOM_EVENT_KINDS = ['joined', 'left', 'chat', 'annotation', 'annotations-cleared', 'still'] as const satisfies readonly RoomEventKind[];

// The database's vocabulary is rtc/'s: a change on either side fails to compile here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _sameVocabulary: [Same<RoomKind, RtcRoomKind>, Same<RoomRole, RtcRoomRole>, Same<RoomEventKind, RtcRoomEventKind>] = [true, true, true];
void _sameVocabulary;

/** How long a room token lets its holder join (ADR 0009): long enough to connect, short enough not to outlive a reason. */
export const ROOM_TOKEN_TTL_SECONDS = 10 * 60;

export interface PersonRef {
  id: string;
  username: string;
  displayName: string;
}

/** A room as the domain sees it: its row with its creator and its unit's path (for scoping). */
export interface RoomRecord {
  id: string;
  kind: RoomKind;
  title: string;
  specimenId: string | null;
  unitId: string;
  unitPath: string;
  createdBy: PersonRef;
  createdAt: Date;
  endedAt: Date | null;
}

export interface RoomParticipantRecord {
  user: PersonRef;
  role: RoomRole;
  enrolledAt: Date;
}

export interface RoomEventRecordRow {
  id: string;
  kind: RoomEventKind;
  userId: string;
  displayName: string;
  payload: Record<string, unknown>;
  at: Date;
}
