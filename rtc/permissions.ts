/**
 * Who may do what in a live room. Pure functions of the room kind, the person's role in the room and any
 * time-limited grant, so the server enforces exactly what the browser shows.
 *
 * - consultation (linked to a specimen): the expert is `host`; port staff and other experts are `participant`s
 *   and may all send camera, microscope, screen and microphone, chat, annotate the shared still and raise a hand
 *   (to ask for the floor without talking over the others).
 * - class: the presenter is `host`; `trainee`s receive only, chat and raise a hand; the host may grant a trainee
 *   the microphone for a while.
 * Hosts moderate: mute, remove, grant, end, record.
 * Quizzes belong to classes: the host launches and reveals questions, trainees answer them.
 */

export const ROOM_KINDS = ['consultation', 'class'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];
export const ROOM_ROLES = ['host', 'participant', 'trainee'] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];
/** What a producer carries: the browser labels each track it sends. */
export const MEDIA_SOURCES = ['camera', 'microscope', 'screen', 'microphone'] as const;
export type MediaSource = (typeof MEDIA_SOURCES)[number];
export type ModerationAction = 'mute' | 'remove' | 'grant-microphone' | 'end' | 'record';

export interface PermissionSubject {
  kind: RoomKind;
  role: RoomRole;
  /** Epoch ms until which a trainee may use the microphone; absent when not granted. */
  microphoneGrantedUntil?: number | undefined;
}

export function roleAllowedIn(kind: RoomKind, role: RoomRole): boolean {
  return kind === 'consultation' ? role !== 'trainee' : role !== 'participant';
}

export function mediaKindOf(source: MediaSource): 'audio' | 'video' {
  return source === 'microphone' ? 'audio' : 'video';
}

export function canProduce(subject: PermissionSubject, source: MediaSource, now = Date.now()): boolean {
  if (subject.role === 'host' || subject.role === 'participant') return true;
  return source === 'microphone' && (subject.microphoneGrantedUntil ?? 0) > now;
}

export function canAnnotate(subject: PermissionSubject): boolean {
  return subject.role === 'host' || subject.role === 'participant';
}

/** Marks over a live picture: whoever may annotate the still, on a video that is in the room (never on audio). */
export function canAnnotateVideo(subject: PermissionSubject, source: MediaSource | undefined): boolean {
  return canAnnotate(subject) && source !== undefined && mediaKindOf(source) === 'video';
}

/** Sharing a still: the specimen photo everybody annotates. */
export function canShareStill(subject: PermissionSubject): boolean {
  return canAnnotate(subject);
}

/** Everyone but the host, who gives the floor rather than asks for it. */
export function canRaiseHand(subject: PermissionSubject): boolean {
  return subject.role !== 'host';
}

export function canModerate(subject: PermissionSubject, action: ModerationAction): boolean {
  if (subject.role !== 'host') return false;
  return action !== 'grant-microphone' || subject.kind === 'class';
}

/** Launching and revealing a class quiz: the class's host. */
export function canRunQuiz(subject: PermissionSubject): boolean {
  return subject.kind === 'class' && subject.role === 'host';
}

/** Answering a class quiz: its trainees (the host knows the answer). */
export function canAnswerQuiz(subject: PermissionSubject): boolean {
  return subject.kind === 'class' && subject.role === 'trainee';
}

export class PermissionDenied extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermissionDenied';
  }
}
