// What an ended room leaves (issue 15): who took part, what was said, each shared still as it last looked and who drew
// over live video when — read
// from its stored events (`GET /api/v1/rooms/:id/events`), oldest first.
import type { RoomEventRecord, RoomRole } from '@contract';
import { annotationOf, targetOf, type Annotation } from './annotations';
import type { StillState } from './room-state';

export interface RecordedPerson {
  userId: string;
  displayName: string;
  /** The role they joined with last; null when the record holds no join of theirs (a late-only speaker). */
  role: RoomRole | null;
  firstJoinedAt: string;
  /** How many times they joined (reconnections count). */
  joins: number;
}

export interface RecordedStill {
  still: StillState;
  /**
   * The annotations on it when the next still replaced it or the room ended (a clear wipes the earlier ones); marks
   * drawn over live video meanwhile are not among them.
   */
  annotations: Annotation[];
}

/** A mark drawn over a live video tile: who drew it and when (the video itself is not in the record). */
export interface RecordedLiveMark {
  id: string;
  displayName: string;
  at: string;
  /** Kept until cleared, rather than a pointer that faded. */
  persistent: boolean;
}

export interface RoomRecord {
  people: RecordedPerson[];
  chat: { id: string; displayName: string; text: string; at: string }[];
  stills: RecordedStill[];
  liveMarks: RecordedLiveMark[];
}

export function roomRecordOf(events: readonly RoomEventRecord[]): RoomRecord {
  const people = new Map<string, RecordedPerson>();
  const chat: RoomRecord['chat'] = [];
  const stills: RecordedStill[] = [];
  const liveMarks: RecordedLiveMark[] = [];
  for (const event of events) {
    const current = stills.at(-1);
    if (event.kind === 'joined') {
      const role = (event.payload.role as RoomRole | undefined) ?? null;
      const known = people.get(event.userId);
      people.set(
        event.userId,
        known
          ? { ...known, role: role ?? known.role, joins: known.joins + 1 }
          : { userId: event.userId, displayName: event.displayName, role, firstJoinedAt: event.at, joins: 1 },
      );
    } else if (event.kind === 'chat' && typeof event.payload.text === 'string') {
      chat.push({ id: event.id, displayName: event.displayName, text: event.payload.text, at: event.at });
    } else if (event.kind === 'still' && typeof event.payload.imageId === 'string') {
      stills.push({
        still: { imageId: event.payload.imageId, userId: event.userId, displayName: event.displayName, at: event.at },
        annotations: [],
      });
    } else if (event.kind === 'annotation' && targetOf(event)) {
      liveMarks.push({ id: event.id, displayName: event.displayName, at: event.at, persistent: event.payload.persistent === true });
    } else if (current && !targetOf(event)) {
      // Marks over live video (and their clears) change no still: the video they pointed at is not in the record.
      if (event.kind === 'annotations-cleared') current.annotations = [];
      const annotation = annotationOf(event);
      if (annotation) current.annotations.push(annotation);
    }
  }
  return { people: [...people.values()], chat, stills, liveMarks };
}
