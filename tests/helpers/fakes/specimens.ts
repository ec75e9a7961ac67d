import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isUnitPathInScope, type Scope } from '../../../api/domain/access.js';
import type { ExpertIdentification } from '../../../api/domain/identification.js';
import type { SpecimenRecord } from '../../../api/domain/specimen.js';
import type { SpecimenRowUpdate } from '../../../api/db/schema.js';
import type { NewSpecimen, NewSpecimenImage, Page, StoredImageLocation } from '../../../api/repositories/specimen.repository.js';
import type { RoomService } from '../../../api/services/room.service.js';
import type { SpecimenService, UploadedImage } from '../../../api/services/specimen.service.js';
import type { SpooledFile } from '../../../api/storage/image-store.js';
import type { SurveillanceFilter } from '../../../api/repositories/surveillance-filter.js';
import type { FakeOrganisation } from './organisation.js';
import type { FakeTransaction } from './transaction.js';

type Specimens = ConstructorParameters<typeof SpecimenService>[0];
type Store = ConstructorParameters<typeof SpecimenService>[3];
type SpecimenIdentifications = ConstructorParameters<typeof SpecimenService>[2];
type RoomIdentifications = ConstructorParameters<typeof RoomService>[2];
type Transactional<Args extends unknown[]> = (trx: FakeTransaction['trx'], ...args: Args) => Promise<void>;

/** Which record field each column of a specimen row update sets. */
const FIELD_OF_COLUMN = {
  site_type: 'siteType',
  location_detail: 'locationDetail',
  trap_method: 'trapMethod',
  collected_at: 'collectedAt',
  collector: 'collector',
  count: 'count',
  life_stage: 'lifeStage',
  sex: 'sex',
  notes: 'notes',
  status: 'status',
} as const satisfies Partial<Record<keyof SpecimenRowUpdate, keyof SpecimenRecord>>;

/**
 * SpecimenRepository in memory, as the services use it: specimens are found in a scope that holds their unit (out of
 * scope reads as missing); each read is a copy, as a fresh query would be.
 */
export class FakeSpecimenRepository implements Pick<
  Specimens,
  | 'createWithImages'
  | 'findSubmission'
  | 'addImages'
  | 'update'
  | 'hasConsultation'
  | 'findInScope'
  | 'listInScope'
  | 'findImageInScope'
  | 'isBlobReferenced'
> {
  private readonly specimens = new Map<string, SpecimenRecord>();
  /** The client submissions (`creator id` + `client id`) and the specimen each made, as the unique index keeps them. */
  private readonly submissions = new Map<string, { id: string; digest: string }>();
  private readonly consultations = new Set<string>();

  constructor(
    private readonly organisation: FakeOrganisation,
    private readonly transaction: FakeTransaction,
  ) {}

  /** A specimen submitted by `username` at the port `portCode`, stored directly (no service, no audit). */
  add(username: string, portCode: string): SpecimenRecord {
    const creator = this.organisation.actor(username);
    const port = this.organisation.port(portCode);
    const record = this.record(randomUUID(), {
      unitId: port.unit_id,
      portId: port.id,
      siteType: 'ship',
      locationDetail: null,
      trapMethod: null,
      collectedAt: new Date('2026-11-20T06:30:00Z'),
      collector: null,
      count: 1,
      lifeStage: null,
      sex: null,
      notes: null,
      position: null,
      createdBy: creator.id,
      submission: null,
    });
    this.specimens.set(record.id, record);
    return structuredClone(record);
  }

  /** Makes `roomId` a consultation about the specimen, as far as its stills are concerned. */
  addConsultation(specimenId: string, roomId: string): void {
    this.consultations.add(`${specimenId} ${roomId}`);
  }

  async createWithImages(
    specimen: NewSpecimen,
    images: NewSpecimenImage[],
    afterInsert: Transactional<[specimenId: string]>,
  ): Promise<string | undefined> {
    const submissionKey = specimen.submission && `${specimen.createdBy} ${specimen.submission.id}`;
    if (submissionKey && this.submissions.has(submissionKey)) return undefined;
    const record = this.record(randomUUID(), specimen);
    record.images = images.map((image, position) => imageRecord(image, position));
    await afterInsert(this.transaction.trx, record.id);
    this.specimens.set(record.id, record);
    if (submissionKey) this.submissions.set(submissionKey, { id: record.id, digest: specimen.submission!.digest });
    return record.id;
  }

  async findSubmission(createdBy: string, clientSubmissionId: string): Promise<{ id: string; digest: string } | undefined> {
    return this.submissions.get(`${createdBy} ${clientSubmissionId}`);
  }

  async addImages(
    specimenId: string,
    images: NewSpecimenImage[],
    afterInsert: Transactional<[imageIds: string[], backToReview: boolean]>,
  ): Promise<string[]> {
    const record = this.stored(specimenId);
    const added = images.map((image, index) => imageRecord(image, record.images.length + index));
    const backToReview = record.status === 'needs_photos';
    await afterInsert(
      this.transaction.trx,
      added.map((image) => image.id),
      backToReview,
    );
    if (backToReview) record.status = 'in_review';
    record.images.push(...added);
    record.updatedAt = new Date();
    return added.map((image) => image.id);
  }

  async update(id: string, changes: SpecimenRowUpdate, afterUpdate: Transactional<[]>): Promise<void> {
    const record = this.stored(id);
    await afterUpdate(this.transaction.trx);
    for (const [column, field] of Object.entries(FIELD_OF_COLUMN)) {
      const value = changes[column as keyof typeof FIELD_OF_COLUMN];
      if (value !== undefined) Object.assign(record, { [field]: value });
    }
    record.updatedAt = new Date();
    record.revision = String(Number(record.revision) + 1);
  }

  async hasConsultation(specimenId: string, roomId: string): Promise<boolean> {
    return this.consultations.has(`${specimenId} ${roomId}`);
  }

  async findInScope(id: string, scope: Scope): Promise<SpecimenRecord | undefined> {
    const record = this.specimens.get(id);
    return record && isUnitPathInScope(scope, record.unitPath) ? structuredClone(record) : undefined;
  }

  async listInScope(scope: Scope, filter: SurveillanceFilter, page: Page): Promise<{ items: SpecimenRecord[]; total: number }> {
    const matching = [...this.specimens.values()]
      .filter((record) => isUnitPathInScope(scope, record.unitPath))
      .filter((record) => !filter.portCode || record.port.code === filter.portCode)
      .filter((record) => !filter.status || record.status === filter.status)
      .filter((record) => !filter.siteType || record.siteType === filter.siteType)
      .filter((record) => !filter.collectedFrom || record.collectedAt >= filter.collectedFrom)
      .filter((record) => !filter.collectedTo || record.collectedAt <= filter.collectedTo)
      .filter((record) => !filter.createdBy || record.createdBy.id === filter.createdBy)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    return {
      items: matching.slice(page.offset, page.offset + page.limit).map((record) => structuredClone(record)),
      total: matching.length,
    };
  }

  async findImageInScope(imageId: string, scope: Scope): Promise<StoredImageLocation | undefined> {
    for (const record of this.specimens.values()) {
      const image = record.images.find((candidate) => candidate.id === imageId);
      if (image && isUnitPathInScope(scope, record.unitPath)) return { imageId, sha256: image.sha256, format: image.format };
    }
    return undefined;
  }

  async isBlobReferenced(sha256: string): Promise<boolean> {
    return [...this.specimens.values()].some((record) => record.images.some((image) => image.sha256 === sha256));
  }

  /** The stored record itself (not a copy), for fakes that write into it. */
  stored(id: string): SpecimenRecord {
    const record = this.specimens.get(id);
    if (!record) throw new Error(`no specimen ${id} in the fake repository`);
    return record;
  }

  private record(id: string, specimen: NewSpecimen): SpecimenRecord {
    const { portId, createdBy, submission: _submission, ...fields } = specimen;
    const port = this.organisation.ports.find((candidate) => candidate.id === portId);
    const creator = this.organisation.personById(createdBy)?.actor;
    if (!port || !creator) throw new Error(`no port ${portId} or no person ${createdBy} in the fake organisation`);
    const now = new Date();
    return {
      ...fields,
      id,
      revision: '0',
      unitPath: this.organisation.unitById(specimen.unitId).path,
      port: { id: port.id, code: port.code, nameZh: port.name_zh, nameEn: port.name_en, type: port.type },
      status: 'submitted',
      createdBy: { id: creator.id, username: creator.username, displayName: creator.displayName },
      createdAt: now,
      updatedAt: now,
      images: [],
      identification: null,
      triage: null,
      review: { round: 1, reviewUnit: null, agreementsNeeded: 1, decisions: [] },
      detectionId: null,
      identifications: [],
    };
  }
}

function imageRecord(image: NewSpecimenImage, position: number) {
  const { sha256, width, height, format, bytes, originalFilename, qualityWarnings } = image;
  return { id: randomUUID(), sha256, width, height, format, bytes, originalFilename, position, qualityWarnings };
}

/**
 * The identification repository as the services use it: the request a new specimen gets, and an expert's
 * identification, which joins the specimen's history (newest first) as the real history query shows it.
 */
export class FakeIdentificationRepository
  implements Pick<SpecimenIdentifications, 'createRequest'>, Pick<RoomIdentifications, 'recordExpert'>
{
  /** The specimens an identification request was made for, in order. */
  readonly requested: string[] = [];

  constructor(
    private readonly specimens: FakeSpecimenRepository,
    private readonly organisation: FakeOrganisation,
    private readonly transaction: FakeTransaction,
  ) {}

  async createRequest(_trx: unknown, specimenId: string): Promise<void> {
    this.requested.push(specimenId);
  }

  async recordExpert(
    specimenId: string,
    authorId: string,
    roomId: string | null,
    identification: ExpertIdentification,
    afterInsert: Transactional<[identificationId: string]>,
  ): Promise<string> {
    const id = randomUUID();
    await afterInsert(this.transaction.trx, id);
    const { id: authorPersonId, username, displayName } = this.organisation.personById(authorId)!.actor;
    this.specimens.stored(specimenId).identifications.unshift({
      id,
      source: 'expert',
      ...identification,
      rejected: false,
      committedLevel: null,
      model: null,
      author: { id: authorPersonId, username, displayName },
      roomId,
      createdAt: new Date(),
    });
    return id;
  }
}

/** The image store, keeping nothing on disk: each stored content is `created` once. */
export class FakeImageStore implements Pick<Store, 'put' | 'remove' | 'originalPath' | 'thumbnailPath'> {
  readonly stored = new Set<string>();

  async put({ sha256 }: SpooledFile): Promise<{ sha256: string; created: boolean }> {
    const created = !this.stored.has(sha256);
    this.stored.add(sha256);
    return { sha256, created };
  }

  async remove(sha256: string): Promise<void> {
    this.stored.delete(sha256);
  }

  originalPath(sha256: string): string {
    return `/fake-store/originals/${sha256}`;
  }

  thumbnailPath(sha256: string): string {
    return `/fake-store/thumbnails/${sha256}.webp`;
  }
}

/** An upload as the upload reader hands it over: spooled to a file (under the system's temporary directory). */
export async function uploadedImage(content: Buffer, filename: string | null): Promise<UploadedImage> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'vectordesk-upload-')), 'image.upload');
  await writeFile(file, content);
  return { filename, path: file, bytes: content.length, sha256: createHash('sha256').update(content).digest('hex') };
}
