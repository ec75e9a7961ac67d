import type { RoomEventKind, RoomKind, RoomRole } from './vocabulary.js';

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
  /** When a class is due to start (null: a consultation, or a class started at once). */
  scheduledAt: Date | null;
  description: string | null;
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

/** What a room token vouches for: who may join which room as what (ADR 0009). */
export interface RoomTokenClaims {
  sub: string;
  room: string;
  role: RoomRole;
  kind: RoomKind;
}
