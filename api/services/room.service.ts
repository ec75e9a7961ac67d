import { taxonomy } from '../../datasets/taxonomy.js';
import type { RoomTicket } from '../../rtc/signalling.js';
import { isUnitPathInScope, scopeOf, type Actor } from '../domain/access.js';
import type { DomainEventBus } from '../domain/events.js';
import type { ExpertIdentification, IdentificationHistoryEntry } from '../domain/identification.js';
import {
  ROOM_TOKEN_TTL_SECONDS,
  type RoomEventRecordRow,
  type RoomParticipantRecord,
  type RoomRecord,
  type RoomTokenClaims,
} from '../domain/room.js';
import type { RoomEventKind, RoomKind, RoomRefusal, RoomRole } from '../domain/vocabulary.js';

import { conflict, forbidden, notFound, unauthorized, unprocessable } from '../domain/errors.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { IdentificationRepository } from '../repositories/identification.repository.js';
import type { Page, RoomFilter, RoomRepository, Viewer } from '../repositories/room.repository.js';
import type { SpecimenRepository } from '../repositories/specimen.repository.js';
import { requireActiveTrainees } from './trainees.js';

export type NewRoomRequest =
  | { kind: 'consultation'; specimenId: string; title?: string | undefined }
  | {
      kind: 'class';
      title: string;
      scheduledAt?: string | undefined;
      description?: string | undefined;
      trainees?: string[] | undefined;
    };

/** Signs and checks room tokens (the app's JWT secret, audience `vectordesk-room`). */
export interface RoomTokens {
  issue(claims: RoomTokenClaims, ttlSeconds: number): { token: string; expiresAt: Date };
  verify(token: string): RoomTokenClaims;
}

/** The open live rooms of this process, where there are any (undefined when live rooms are disabled). */
export interface LiveRooms {
  find(roomId: string): Promise<{ peers: ReadonlyMap<string, unknown>; close(reason: 'ended'): void } | undefined>;
}

export interface RoomDetail {
  room: RoomRecord;
  participants: RoomParticipantRecord[];
  counts: { participants: number; events: Record<RoomEventKind, number> };
  /** Whether the room is open in this process now, and how many peers are in it. */
  live: { open: boolean; peers: number };
  /** What a room token would give the caller: the pre-join screen shows it rather than guessing. */
  access: RoomAccess;
}

export interface RoomToken {
  token: string;
  roomId: string;
  kind: RoomKind;
  role: RoomRole;
  expiresAt: Date;
}

export type RoomAccess = { role: RoomRole; refusal: null } | { role: null; refusal: RoomRefusal };

const REFUSAL_MESSAGES: Record<RoomRefusal, string> = {
  trainee_in_consultation: 'Trainees join classes, not consultations',
  out_of_scope: 'This specimen is outside your scope',
  not_enrolled: 'Only the presenter and the trainees enrolled in this class join it',
};

/**
 * Live rooms on the API side (ADR 0009): who may open, see, join and end them, the room tokens that let people into
 * the signalling, and an expert's identification made in a consultation. Rooms follow the scope rules of specimens:
 * out of scope answers 404 like a missing id; a class is also visible to the people enrolled in it.
 */
export class RoomService {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly specimens: SpecimenRepository,
    private readonly identifications: IdentificationRepository,
    private readonly bus: DomainEventBus,
    private readonly tokens: RoomTokens,
    private readonly live: () => LiveRooms | undefined,
  ) {}

  async create(actor: Actor, request: NewRoomRequest): Promise<RoomRecord> {
    if (actor.role !== 'expert' && actor.role !== 'admin') throw forbidden('Only experts and administrators open live rooms');
    const scope = scopeOf(actor);
    // The room, its first participants and the audit entry are written in one transaction.
    const audited = (after: Record<string, unknown>) => (trx: Parameters<typeof recordAudit>[0], roomId: string) =>
      recordAudit(trx, { userId: actor.id, action: 'room.create', entityType: 'room', entityId: roomId, before: null, after });
    let id: string;
    if (request.kind === 'consultation') {
      const specimen = await this.specimens.findInScope(request.specimenId, scope);
      if (!specimen) throw notFound('Specimen');
      const title = request.title ?? `Consultation: ${specimen.port.code} specimen of ${specimen.collectedAt.toISOString().slice(0, 10)}`;
      id = await this.rooms.create(
        {
          kind: 'consultation',
          title,
          specimenId: specimen.id,
          unitId: specimen.unitId,
          createdBy: actor.id,
          scheduledAt: null,
          description: null,
        },
        [{ userId: actor.id, role: 'host' }],
        audited({ kind: 'consultation', title, specimenId: specimen.id }),
      );
    } else {
      const trainees = [...new Set(request.trainees ?? [])];
      await requireActiveTrainees(this.rooms, scopeOf(actor), trainees, 'classes');
      const scheduledAt = request.scheduledAt === undefined ? null : new Date(request.scheduledAt);
      const description = request.description?.trim() || null;
      id = await this.rooms.create(
        { kind: 'class', title: request.title, specimenId: null, unitId: actor.unit.id, createdBy: actor.id, scheduledAt, description },
        [{ userId: actor.id, role: 'host' }, ...trainees.map((userId) => ({ userId, role: 'trainee' as const }))],
        audited({ kind: 'class', title: request.title, scheduledAt: request.scheduledAt ?? null, description, trainees }),
      );
    }
    return this.visibleRoom(actor, id);
  }

  list(actor: Actor, filter: RoomFilter, page: Page) {
    return this.rooms.listVisible(viewerOf(actor), filter, page);
  }

  async get(actor: Actor, roomId: string): Promise<RoomDetail> {
    const room = await this.visibleRoom(actor, roomId);
    const [participants, counted, open, access] = await Promise.all([
      this.rooms.participants(room.id),
      this.rooms.eventCounts(room.id),
      this.live()?.find(room.id),
      this.accessOf(actor, room),
    ]);
    const events = { joined: 0, left: 0, chat: 0, annotation: 0, 'annotations-cleared': 0, still: 0, ...counted };
    return {
      room,
      participants,
      counts: { participants: participants.length, events },
      live: { open: open !== undefined, peers: open?.peers.size ?? 0 },
      access,
    };
  }

  async events(
    actor: Actor,
    roomId: string,
    kinds: RoomEventKind[] | undefined,
    page: Page,
  ): Promise<{ items: RoomEventRecordRow[]; total: number }> {
    const room = await this.visibleRoom(actor, roomId);
    return this.rooms.events(room.id, kinds, page);
  }

  /** The host (or an administrator) enrols a trainee in a class. Returns the enrolment and whether it is new. */
  async enrol(actor: Actor, roomId: string, userId: string): Promise<{ participant: RoomParticipantRecord; created: boolean }> {
    const room = await this.visibleRoom(actor, roomId);
    if (room.kind !== 'class')
      throw unprocessable('not_a_class', 'Trainees are enrolled in classes; a consultation is open to everyone in scope of its specimen');
    await this.assertHost(actor, room, "Only the class's presenter or an administrator enrols trainees");
    if (room.endedAt) throw conflict('room_ended', 'This class has ended');
    await requireActiveTrainees(this.rooms, scopeOf(actor), [userId], 'classes');
    const created = await this.rooms.addParticipant(room.id, userId, 'trainee', (trx) =>
      recordAudit(trx, {
        userId: actor.id,
        action: 'room.enrol',
        entityType: 'room',
        entityId: room.id,
        before: null,
        after: { userId, role: 'trainee' },
      }),
    );
    const participant = (await this.rooms.participants(room.id)).find((candidate) => candidate.user.id === userId);
    if (!participant) throw new Error(`enrolment of ${userId} in ${room.id} vanished`);
    return { participant, created };
  }

  /** The host (or an administrator) ends a room: it is marked ended and, if it is live here, everyone is sent home. */
  async end(actor: Actor, roomId: string): Promise<RoomRecord> {
    const room = await this.visibleRoom(actor, roomId);
    await this.assertHost(actor, room, 'Only the host or an administrator ends a room');
    const endedAt = await this.rooms.end(room.id, (trx) =>
      recordAudit(trx, {
        userId: actor.id,
        action: 'room.end',
        entityType: 'room',
        entityId: room.id,
        before: { endedAt: null },
        after: { via: 'api' },
      }),
    );
    if (!endedAt) throw conflict('room_ended', 'This room has already ended');
    (await this.live()?.find(room.id))?.close('ended');
    return { ...room, endedAt };
  }

  /** The live room was ended by its host through the signalling (or closed by `end` above): record it once. */
  async endedLive(roomId: string): Promise<void> {
    await this.rooms.end(roomId, (trx) =>
      recordAudit(trx, {
        userId: null,
        action: 'room.end',
        entityType: 'room',
        entityId: roomId,
        before: { endedAt: null },
        after: { via: 'live room' },
      }),
    );
  }

  /** A class went live (its presenter joined it): its enrolled trainees are told (the live push's `class.started`). */
  async startedLive(roomId: string): Promise<void> {
    const room = await this.rooms.findById(roomId);
    if (!room || room.kind !== 'class' || room.endedAt) return;
    const traineeIds = (await this.rooms.participants(room.id))
      .filter((participant) => participant.role === 'trainee')
      .map((participant) => participant.user.id);
    if (traineeIds.length > 0) this.bus.emit('class.started', room, { traineeIds });
  }

  /** A room token for the caller, with the role they have in the room; refused (403) to people who may see but not join it. */
  async token(actor: Actor, roomId: string): Promise<RoomToken> {
    const room = await this.visibleRoom(actor, roomId);
    const access = await this.accessOf(actor, room);
    if (access.role === null) throw forbidden(REFUSAL_MESSAGES[access.refusal]);
    if (room.endedAt) throw conflict('room_ended', 'This room has ended');
    const { token, expiresAt } = this.tokens.issue(
      { sub: actor.id, room: room.id, role: access.role, kind: room.kind },
      ROOM_TOKEN_TTL_SECONDS,
    );
    return { token, roomId: room.id, kind: room.kind, role: access.role, expiresAt };
  }

  /**
   * The signalling's admission check: a valid room token of this very person for a room that still exists, has not
   * ended and that they may still join. The role is decided again now (a changed unit or a lost grant counts at once).
   */
  async admit(actor: Actor, roomToken: string): Promise<RoomTicket> {
    const claims = this.tokens.verify(roomToken);
    if (claims.sub !== actor.id) throw unauthorized('This room token was issued to someone else');
    const room = await this.rooms.findVisible(claims.room, viewerOf(actor));
    if (!room || room.kind !== claims.kind) throw unauthorized('This room token names no room you can see');
    if (room.endedAt) throw conflict('room_ended', 'This room has ended');
    const access = await this.accessOf(actor, room);
    if (access.role === null) throw forbidden(REFUSAL_MESSAGES[access.refusal]);
    return { roomId: room.id, kind: room.kind, userId: actor.id, displayName: actor.displayName, role: access.role };
  }

  /**
   * The consultation's host records the identification agreed in it: an expert answer in the specimen's identification
   * history, naming the room. Allowed after the room ended too (the write-up often comes after the call).
   */
  async identify(actor: Actor, roomId: string, identification: ExpertIdentification): Promise<IdentificationHistoryEntry> {
    const room = await this.visibleRoom(actor, roomId);
    if (room.kind !== 'consultation' || !room.specimenId)
      throw unprocessable('not_a_consultation', 'Identifications are recorded in consultations about a specimen');
    await this.assertHost(actor, room, "Only the consultation's host records its identification");
    checkTaxon(identification);
    const scope = scopeOf(actor);
    if (!(await this.specimens.findInScope(room.specimenId, scope))) throw notFound('Specimen');
    const specimenId = room.specimenId;
    const id = await this.identifications.recordExpert(specimenId, actor.id, room.id, identification, (trx, identificationId) =>
      recordAudit(trx, {
        userId: actor.id,
        action: 'identification.expert',
        entityType: 'specimen',
        entityId: specimenId,
        before: null,
        after: { identificationId, roomId: room.id, ...identification },
      }),
    );
    const specimen = await this.specimens.findInScope(specimenId, scope);
    const entry = specimen?.identifications.find((candidate) => candidate.id === id);
    if (!specimen || !entry) throw new Error(`identification ${id} vanished right after it was recorded`);
    this.bus.emit('specimen.updated', specimen);
    return entry;
  }

  /** The room, when the actor may see it (404 otherwise, like a missing id). */
  async visibleRoom(actor: Actor, roomId: string): Promise<RoomRecord> {
    const room = await this.rooms.findVisible(roomId, viewerOf(actor));
    if (!room) throw notFound('Room');
    return room;
  }

  /**
   * Who joins as what (ADR 0009). Consultation: its creator and administrators host, other experts and staff in scope
   * of the specimen take part, trainees do not. Class: its presenter and administrators host, enrolled trainees attend.
   */
  async accessOf(actor: Actor, room: RoomRecord): Promise<RoomAccess> {
    const joinsAs = (role: RoomRole): RoomAccess => ({ role, refusal: null });
    const refused = (refusal: RoomRefusal): RoomAccess => ({ role: null, refusal });
    if (actor.role === 'admin') return joinsAs('host');
    if (room.kind === 'consultation') {
      if (room.createdBy.id === actor.id) return joinsAs('host');
      if (actor.role === 'trainee') return refused('trainee_in_consultation');
      if (!isUnitPathInScope(scopeOf(actor), room.unitPath)) return refused('out_of_scope');
      return joinsAs('participant');
    }
    const enrolled = await this.rooms.participantRole(room.id, actor.id);
    if (enrolled === 'host' || enrolled === 'trainee') return joinsAs(enrolled);
    return refused('not_enrolled');
  }

  /** 403 with `message` unless the actor hosts the room (its host, or an administrator). */
  async assertHost(actor: Actor, room: RoomRecord, message: string): Promise<void> {
    const access = await this.accessOf(actor, room);
    if (access.role !== 'host') throw forbidden(message);
  }
}

function viewerOf(actor: Actor): Viewer {
  return { scope: scopeOf(actor), userId: actor.id };
}

/** The taxon must be in the project's taxonomy (datasets/taxonomy.json) and belong to the named group. */
function checkTaxon(identification: ExpertIdentification): void {
  const taxon = taxonomy.get(identification.taxon);
  if (!taxon) throw unprocessable('unknown_taxon', `"${identification.taxon}" is not in the taxonomy`, { taxon: identification.taxon });
  if (taxon.group !== identification.group) {
    throw unprocessable('taxon_group_mismatch', `${taxon.id} belongs to the group ${taxon.group}, not ${identification.group}`, {
      taxon: taxon.id,
      group: taxon.group,
    });
  }
}
