import type {
  IdentificationHistoryEntry,
  Port,
  Recording,
  Room,
  RoomEvent,
  RoomParticipant,
  Specimen,
  SpecimenIdentification,
  SpecimenImage,
  Unit,
  User,
} from '../contract/index.js';
import type { PortRow, UnitRow } from '../db/schema.js';
import type { Actor } from '../domain/access.js';
import type {
  IdentificationHistoryEntry as HistoryEntryRecord,
  SpecimenIdentification as IdentificationRecord,
} from '../domain/identification.js';
import type { RoomEventRecordRow, RoomParticipantRecord, RoomRecord } from '../domain/room.js';
import type { SpecimenImageRecord, SpecimenRecord } from '../domain/specimen.js';
import type { RecordingRecord } from '../repositories/recording.repository.js';

// Domain records → the wire contract's shapes: dates become ISO strings, internal fields (unit paths, file paths) stay home.

export function presentUser(actor: Actor): User {
  const { path: _path, ...unit } = actor.unit;
  return { id: actor.id, username: actor.username, displayName: actor.displayName, role: actor.role, unit };
}

export function presentPort(port: PortRow): Port {
  return {
    id: port.id,
    code: port.code,
    nameZh: port.name_zh,
    nameEn: port.name_en,
    type: port.type,
    longitude: port.longitude,
    latitude: port.latitude,
    unitId: port.unit_id,
  };
}

export function presentUnit(unit: UnitRow): Unit {
  return { id: unit.id, code: unit.code, level: unit.level, nameZh: unit.name_zh, nameEn: unit.name_en };
}

export function presentSpecimen(specimen: SpecimenRecord): Specimen {
  const { unitPath: _unitPath, ...fields } = specimen;
  return {
    ...fields,
    collectedAt: specimen.collectedAt.toISOString(),
    createdAt: specimen.createdAt.toISOString(),
    updatedAt: specimen.updatedAt.toISOString(),
    images: specimen.images.map(presentImage),
    identification: specimen.identification ? presentIdentification(specimen.identification) : null,
    identifications: specimen.identifications.map(presentIdentificationHistoryEntry),
    triage: specimen.triage && { ...specimen.triage, triagedAt: specimen.triage.triagedAt.toISOString() },
    review: {
      ...specimen.review,
      decisions: specimen.review.decisions.map((decision) => ({ ...decision, createdAt: decision.createdAt.toISOString() })),
    },
  };
}

export function presentImage({ position: _position, ...image }: SpecimenImageRecord): SpecimenImage {
  return {
    ...image,
    originalUrl: `/api/v1/images/${image.id}/original`,
    thumbnailUrl: `/api/v1/images/${image.id}/thumbnail`,
  };
}

export function presentIdentificationHistoryEntry(entry: HistoryEntryRecord): IdentificationHistoryEntry {
  return { ...entry, createdAt: entry.createdAt.toISOString() };
}

export function presentIdentification(identification: IdentificationRecord): SpecimenIdentification {
  const { result } = identification;
  return {
    status: identification.status,
    requestedAt: identification.requestedAt.toISOString(),
    completedAt: identification.completedAt?.toISOString() ?? null,
    error: identification.error,
    group: result?.group ?? null,
    lifeStage: result?.lifeStage ?? null,
    taxon: result?.taxon ?? null,
    confidence: result?.confidence ?? null,
    rejected: result?.rejected ?? null,
    committedLevel: result?.committedLevel ?? null,
    levels: result?.levels ?? null,
    topK: result?.topK ?? [],
    model: result?.model ?? null,
    models: result?.models ?? [],
    timings: result?.timings ?? null,
    images: result?.images ?? [],
  };
}

export function presentRoom(room: RoomRecord): Room {
  const { unitPath: _unitPath, ...fields } = room;
  return {
    ...fields,
    createdAt: room.createdAt.toISOString(),
    endedAt: room.endedAt?.toISOString() ?? null,
    active: room.endedAt === null,
    scheduledAt: room.scheduledAt?.toISOString() ?? null,
  };
}

export function presentRoomParticipant(participant: RoomParticipantRecord): RoomParticipant {
  return { user: participant.user, role: participant.role, enrolledAt: participant.enrolledAt.toISOString() };
}

/** The one JSON shape of a room event: pushed as `roomEvent`, replayed in `history`, listed by the API. */
export function presentRoomEvent(event: RoomEventRecordRow): RoomEvent {
  return { ...event, at: event.at.toISOString() };
}

export function presentRecording(recording: RecordingRecord): Recording {
  return {
    ...recording,
    startedAt: recording.startedAt.toISOString(),
    stoppedAt: recording.stoppedAt?.toISOString() ?? null,
    tracks: recording.tracks.map(({ file: _file, ...track }, index) => ({ ...track, number: index + 1 })),
  };
}
