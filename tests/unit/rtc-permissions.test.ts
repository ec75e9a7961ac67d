import { describe, expect, it } from 'vitest';
import {
  canAnnotate,
  canAnnotateVideo,
  canModerate,
  canProduce,
  canRaiseHand,
  mediaKindOf,
  MEDIA_SOURCES,
  roleAllowedIn,
  type PermissionSubject,
} from '../../rtc/permissions.js';

const now = 1_000_000;
const host = (kind: 'consultation' | 'class'): PermissionSubject => ({ kind, role: 'host' });
const participant: PermissionSubject = { kind: 'consultation', role: 'participant' };
const trainee = (grantedUntil?: number): PermissionSubject => ({ kind: 'class', role: 'trainee', microphoneGrantedUntil: grantedUntil });

describe('live-room permissions', () => {
  it('admits participants to consultations and trainees to classes only', () => {
    expect(roleAllowedIn('consultation', 'participant')).toBe(true);
    expect(roleAllowedIn('consultation', 'trainee')).toBe(false);
    expect(roleAllowedIn('class', 'trainee')).toBe(true);
    expect(roleAllowedIn('class', 'participant')).toBe(false);
    expect(roleAllowedIn('class', 'host') && roleAllowedIn('consultation', 'host')).toBe(true);
  });

  it('lets hosts and consultation participants send every source', () => {
    for (const source of MEDIA_SOURCES) {
      expect(canProduce(host('class'), source, now)).toBe(true);
      expect(canProduce(participant, source, now)).toBe(true);
    }
  });

  it('lets a trainee send only the microphone, and only while a grant lasts', () => {
    for (const source of MEDIA_SOURCES) expect(canProduce(trainee(), source, now)).toBe(false);
    expect(canProduce(trainee(now + 1), 'microphone', now)).toBe(true);
    expect(canProduce(trainee(now + 60_000), 'camera', now)).toBe(false);
    expect(canProduce(trainee(now), 'microphone', now)).toBe(false);
  });

  it('keeps annotation to hosts and participants', () => {
    expect(canAnnotate(participant) && canAnnotate(host('class'))).toBe(true);
    expect(canAnnotate(trainee(now + 1000))).toBe(false);
  });

  it('lets whoever annotates mark live video, but not audio nor a producer that is not there', () => {
    for (const source of ['camera', 'microscope', 'screen'] as const) {
      expect(canAnnotateVideo(participant, source) && canAnnotateVideo(host('class'), source)).toBe(true);
      expect(canAnnotateVideo(trainee(now + 1000), source)).toBe(false);
    }
    expect(canAnnotateVideo(host('consultation'), 'microphone')).toBe(false);
    expect(canAnnotateVideo(host('consultation'), undefined)).toBe(false);
  });

  it('lets trainees in a class and participants in a consultation raise a hand, never the host', () => {
    expect(canRaiseHand(trainee()) && canRaiseHand(participant)).toBe(true);
    expect(canRaiseHand(host('class')) || canRaiseHand(host('consultation'))).toBe(false);
  });

  it('gives moderation to hosts only, and microphone grants only in classes', () => {
    expect(canModerate(host('consultation'), 'mute') && canModerate(host('consultation'), 'end')).toBe(true);
    expect(canModerate(host('consultation'), 'grant-microphone')).toBe(false);
    expect(canModerate(host('class'), 'grant-microphone')).toBe(true);
    for (const action of ['mute', 'remove', 'grant-microphone', 'end', 'record'] as const) {
      expect(canModerate(participant, action) || canModerate(trainee(), action)).toBe(false);
    }
  });

  it('maps sources to media kinds', () => {
    expect(MEDIA_SOURCES.map(mediaKindOf)).toEqual(['video', 'video', 'video', 'audio']);
  });
});
