import type { Actor } from '../domain/access.js';
import type { IdentificationHistoryEntry, SpecimenIdentification } from '../domain/identification.js';
import type { RoomParticipantRecord, RoomRecord } from '../domain/room.js';
import type { SpecimenImageRecord, SpecimenRecord } from '../domain/specimen.js';
import type { PortRow } from '../db/schema.js';
import type { RecordingRecord } from '../repositories/recording.repository.js';

/** Domain records → the JSON shapes in `schemas.ts`. */
export function presentUser(actor: Actor) {
  const { path: _path, ...unit } = actor.unit;
  return { id: actor.id, username: actor.username, displayName: actor.displayName, role: actor.role, unit };
}

export function presentPort(port: PortRow) {
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

export function presentSpecimen(specimen: SpecimenRecord) {
  const { unitPath: _unitPath, ...fields } = specimen;
  return {
    ...fields,
    collectedAt: specimen.collectedAt.toISOString(),
    createdAt: specimen.createdAt.toISOString(),
    updatedAt: specimen.updatedAt.toISOString(),
    images: specimen.images.map(presentImage),
    identification: specimen.identification ? presentIdentification(specimen.identification) : null,
    identifications: specimen.identifications.map(presentIdentificationHistoryEntry),
  };
}

export function presentImage({ position: _position, ...image }: SpecimenImageRecord) {
  return {
    ...image,
    originalUrl: `/api/v1/images/${image.id}/original`,
    thumbnailUrl: `/api/v1/images/${image.id}/thumbnail`,
  };
}

export function presentIdentificationHistoryEntry(entry: IdentificationHistoryEntry) {
  return { ...entry, createdAt: entry.createdAt.toISOString() };
}

export function presentIdentification(identification: SpecimenIdentification) {
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
    topK: result?.topK ?? [],
    model: result?.model ?? null,
    models: result?.models ?? [],
    timings: result?.timings ?? null,
    images: result?.images ?? [],
  };
}

export function presentRoom(room: RoomRecord) {
  const { unitPath: _unitPath, ...fields } = room;
  return { ...fields, createdAt: room.createdAt.toISOString(), endedAt: room.endedAt?.toISOString() ?? null, active: room.endedAt === null };
}

export function presentRoomParticipant(participant: RoomParticipantRecord) {
  return { user: participant.user, role: participant.role, enrolledAt: participant.enrolledAt.toISOString() };
}

export function presentRecording(recording: RecordingRecord) {
  return {
    ...recording,
    startedAt: recording.startedAt.toISOString(),
    stoppedAt: recording.stoppedAt?.toISOString() ?? null,
    tracks: recording.tracks.map(({ file: _file, ...track }, index) => ({ ...track, number: index + 1 })),
  };
}
