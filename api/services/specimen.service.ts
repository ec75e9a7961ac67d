import type { FastifyBaseLogger } from 'fastify';
import { permissions, scopeOf, type Actor } from '../domain/access.js';
import type { DomainEventBus } from '../domain/events.js';
import type { ImageQualityCheck, SpecimenMetadata, SpecimenPatch } from '../contract/index.js';
import type { ClientSubmission, ImageProvenance, SpecimenImageRecord, SpecimenRecord } from '../domain/specimen.js';
import { submissionDigest } from './submission-digest.js';
import type { PortRow, SpecimenRowUpdate } from '../db/schema.js';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../domain/errors.js';
import type { SpecimenSort, SpecimenStatus } from '../domain/vocabulary.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { IdentificationRequestRepository } from '../repositories/identification-request.repository.js';
import type { OrganisationRepository } from '../repositories/organisation.repository.js';
import { positionColumns, type NewSpecimenImage, type Page, type SpecimenRepository } from '../repositories/specimen.repository.js';
import type { SurveillanceFilter } from '../repositories/surveillance-filter.js';
import type { ImageFile, ImageIntake } from '../storage/image-inspection.js';
import type { ImageStore, SpooledFile } from '../storage/image-store.js';

/** An uploaded file, spooled to disk by the upload reader, which removes it when the request is done. */
export interface UploadedImage extends SpooledFile {
  /** The client's file name, already checked by the upload parser; kept for people, never used as a path. */
  filename: string | null;
}

export type ImageVariant = 'original' | 'thumbnail';

/** The status an expert or administrator sets by hand: withdrawing a specimen. */
const MANUAL_STATUSES: readonly SpecimenStatus[] = ['rejected'];

/** A submission: the specimen, and whether this request created it or answers an earlier one with the same client id. */
export interface Submitted {
  specimen: SpecimenRecord;
  created: boolean;
}

/**
 * Raised inside the commit when a concurrent request with the same client submission id committed first: the files
 * this request stored are undone as for any failed commit, and the earlier specimen is the answer.
 */
class SubmittedMeanwhile extends Error {
  constructor(readonly submission: ClientSubmission) {
    super(`Submission ${submission.id} was committed by a concurrent request`);
  }
}

export class SpecimenService {
  constructor(
    private readonly specimens: SpecimenRepository,
    private readonly organisation: OrganisationRepository,
    private readonly identificationRequests: IdentificationRequestRepository,
    private readonly store: ImageStore,
    private readonly events: DomainEventBus,
    private readonly intake: ImageIntake,
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * Validates everything first, writes the files, then commits all rows — the specimen, its images, the audit entry
   * and its identification request — in one transaction (see {@link storeThenCommit} for a failed one). A repeat of a
   * client submission id the actor used before answers that specimen and creates nothing (ADR 0023), also when the
   * first request is committing at the same time.
   */
  async create(actor: Actor, metadata: SpecimenMetadata, uploads: UploadedImage[]): Promise<Submitted> {
    if (!permissions.submitSpecimens(actor.role)) throw forbidden('Trainees cannot submit specimens');
    requireImages(uploads);
    const scope = scopeOf(actor);
    const submission = clientSubmissionOf(metadata, uploads);
    const earlier = submission && (await this.earlierSubmission(actor, submission));
    if (earlier) return { specimen: earlier, created: false };
    const port = await this.organisation.findPortByCodeInScope(metadata.portCode, scope);
    if (!port)
      throw unprocessable('unknown_port', `No port with code "${metadata.portCode}" in your organisation`, { portCode: metadata.portCode });

    let id: string;
    try {
      id = await this.storeThenCommit(uploads, (images) => this.insert(actor, metadata, port, submission, images));
    } catch (error) {
      if (!(error instanceof SubmittedMeanwhile)) throw error;
      const meanwhile = await this.earlierSubmission(actor, error.submission);
      if (!meanwhile) throw new Error(`The submission ${error.submission.id} was committed and is gone`, { cause: error });
      return { specimen: meanwhile, created: false };
    }
    const record = await this.specimens.findInScope(id, scope);
    if (!record) throw new Error(`Specimen ${id} vanished right after it was created`);
    this.events.emit('specimen.created', record);
    return { specimen: record, created: true };
  }

  /** The specimen's rows, its audit entry and identification request; {@link SubmittedMeanwhile} if its submission was committed first. */
  private async insert(
    actor: Actor,
    metadata: SpecimenMetadata,
    port: PortRow,
    submission: ClientSubmission | null,
    images: NewSpecimenImage[],
  ): Promise<string> {
    const id = await this.specimens.createWithImages(
      {
        unitId: port.unit_id,
        portId: port.id,
        siteType: metadata.siteType,
        locationDetail: metadata.locationDetail ?? null,
        trapMethod: metadata.trapMethod ?? null,
        collectedAt: new Date(metadata.collectedAt),
        collector: metadata.collector ?? null,
        count: metadata.count ?? 1,
        lifeStage: metadata.lifeStage ?? null,
        sex: metadata.sex ?? null,
        notes: metadata.notes ?? null,
        position: metadata.position ?? null,
        createdBy: actor.id,
        submission,
      },
      images,
      async (trx, specimenId) => {
        await recordAudit(trx, {
          userId: actor.id,
          action: 'specimen.create',
          entityType: 'specimen',
          entityId: specimenId,
          before: null,
          after: { ...metadata, images: images.map((image) => image.sha256) },
        });
        await this.identificationRequests.createRequest(trx, specimenId);
      },
    );
    // Only a submission with a client id can meet an earlier one of its creator.
    if (id === undefined) throw new SubmittedMeanwhile(submission!);
    return id;
  }

  /**
   * The specimen the actor submitted before under this client id, as it is now. 409 `submission_reused` when that
   * submission carried other metadata or images (the client reused an id); 409 `submission_out_of_scope` when the
   * specimen has left the actor's scope since (it was received, but is not theirs to see).
   */
  private async earlierSubmission(actor: Actor, submission: ClientSubmission): Promise<SpecimenRecord | undefined> {
    const earlier = await this.specimens.findSubmission(actor.id, submission.id);
    if (!earlier) return undefined;
    const details = { clientSubmissionId: submission.id };
    if (earlier.digest !== submission.digest) {
      throw conflict('submission_reused', `clientSubmissionId ${submission.id} was used for another submission of yours`, details);
    }
    const specimen = await this.specimens.findInScope(earlier.id, scopeOf(actor));
    if (!specimen) {
      throw conflict(
        'submission_out_of_scope',
        'This submission was received before; its specimen is outside your organisation now',
        details,
      );
    }
    return specimen;
  }

  /**
   * Adds images to a specimen in scope (a photo taken later, a live room's camera still or annotated still), checked
   * and stored as at creation, its rows and audit entry (with the images' provenance) in one transaction; tells live
   * pages with `specimen.updated`. Out of scope reads as missing (404); trainees may not (403).
   * Added images are not sent to identification: a specimen has one identification request, made with the images it
   * was submitted with, and the identify job reads only those. Photographs an expert asked for send the specimen back to
   * review, where the experts look at them.
   */
  async addImages(
    actor: Actor,
    specimenId: string,
    uploads: UploadedImage[],
    provenance: ImageProvenance,
  ): Promise<{ specimen: SpecimenRecord; added: SpecimenImageRecord[] }> {
    const scope = scopeOf(actor);
    if (!(await this.specimens.findInScope(specimenId, scope))) throw notFound('Specimen');
    if (!permissions.editSpecimens(actor.role)) throw forbidden('Trainees cannot add images to specimens');
    requireImages(uploads);
    if (provenance.roomId !== null && !(await this.specimens.hasConsultation(specimenId, provenance.roomId))) {
      throw unprocessable('unknown_room', 'roomId names no consultation about this specimen', { roomId: provenance.roomId });
    }
    const imageIds = await this.storeThenCommit(uploads, (images) =>
      this.specimens.addImages(specimenId, images, (trx, ids, backToReview) =>
        recordAudit(trx, {
          userId: actor.id,
          action: 'specimen.add_images',
          entityType: 'specimen',
          entityId: specimenId,
          before: backToReview ? { status: 'needs_photos' } : null,
          after: {
            ...provenance,
            images: ids.map((imageId, index) => ({ id: imageId, sha256: images[index]!.sha256 })),
            ...(backToReview ? { status: 'in_review' } : {}),
          },
        }),
      ),
    );
    const specimen = await this.specimens.findInScope(specimenId, scope);
    if (!specimen) throw new Error(`Specimen ${specimenId} vanished right after images were added to it`);
    this.events.emit('specimen.updated', specimen);
    return { specimen, added: imageIds.map((imageId) => specimen.images.find((image) => image.id === imageId)!) };
  }

  async get(actor: Actor, id: string): Promise<SpecimenRecord> {
    const record = await this.specimens.findInScope(id, scopeOf(actor));
    if (!record) throw notFound('Specimen');
    return record;
  }

  list(actor: Actor, filter: SurveillanceFilter, page: Page, sort?: SpecimenSort) {
    return this.specimens.listInScope(scopeOf(actor), filter, page, sort);
  }

  /** {@link list}'s page as the specimens' ids and revisions, for a caller that keeps their answers (ADR 0040). */
  listRevisions(actor: Actor, filter: SurveillanceFilter, page: Page, sort?: SpecimenSort) {
    return this.specimens.listRevisionsInScope(scopeOf(actor), filter, page, sort);
  }

  /** The specimens of `ids` the actor sees, in the order of `ids`; those they do not see are left out. */
  getMany(actor: Actor, ids: readonly string[]): Promise<SpecimenRecord[]> {
    return this.specimens.findManyInScope(ids, scopeOf(actor));
  }

  async update(actor: Actor, id: string, patch: SpecimenPatch): Promise<SpecimenRecord> {
    const scope = scopeOf(actor);
    const before = await this.specimens.findInScope(id, scope);
    if (!before) throw notFound('Specimen');
    if (!permissions.editSpecimens(actor.role)) throw forbidden('Trainees cannot change specimens');
    if (patch.status !== undefined && !permissions.changeSpecimenStatus(actor.role)) {
      throw forbidden("Only experts and administrators can change a specimen's status");
    }
    // Confirmation makes records (detections, alerts): it only comes from triage and review decisions.
    if (patch.status !== undefined && patch.status !== before.status) {
      if (!MANUAL_STATUSES.includes(patch.status))
        throw conflict('status_by_review', `A specimen becomes ${patch.status} through review: POST /api/v1/specimens/${id}/reviews`, {
          allowed: MANUAL_STATUSES,
        });
      if (before.status === 'confirmed') throw conflict('specimen_confirmed', 'A confirmed specimen is a record and stays one');
    }
    const changes = toRowUpdate(patch);
    await this.specimens.update(id, changes, (trx) =>
      recordAudit(trx, {
        userId: actor.id,
        action: 'specimen.update',
        entityType: 'specimen',
        entityId: id,
        before: pick(before, Object.keys(patch)),
        after: patch,
      }),
    );
    const after = await this.specimens.findInScope(id, scope);
    if (!after) throw notFound('Specimen');
    this.events.emit('specimen.updated', after);
    return after;
  }

  /** The quality gate's verdict on photos about to be submitted (`POST /api/v1/images/quality`); nothing is stored. */
  async checkQuality(uploads: ImageFile[]): Promise<ImageQualityCheck> {
    requireImages(uploads);
    return { mode: this.intake.limits.qualityGate, images: await this.intake.checkQuality(uploads) };
  }

  async imageFile(actor: Actor, imageId: string, variant: ImageVariant): Promise<{ path: string; mediaType: string }> {
    const image = await this.specimens.findImageInScope(imageId, scopeOf(actor));
    if (!image) throw notFound('Image');
    return variant === 'original'
      ? { path: this.store.originalPath(image.sha256), mediaType: `image/${image.format}` }
      : { path: this.store.thumbnailPath(image.sha256), mediaType: 'image/webp' };
  }

  /**
   * Proves every upload is a whole image within the limits, writes the files, then runs `commit`, the transaction whose
   * rows refer to them — all under one decode lease (each image decoded once, its thumbnail made from that decode). If anything fails, the
   * files this call created are removed again unless another request committed the same content meanwhile — so
   * neither dangling rows nor orphan files remain.
   */
  private storeThenCommit<T>(uploads: UploadedImage[], commit: (images: NewSpecimenImage[]) => Promise<T>): Promise<T> {
    return this.intake.inspect(uploads, 'one-at-a-time', async (inspected) => {
      const images = inspected.map(({ photo: _photo, ...image }, index) => ({
        ...image,
        sha256: uploads[index]!.sha256,
        bytes: uploads[index]!.bytes,
        originalFilename: uploads[index]!.filename,
      }));
      const createdFiles: string[] = [];
      try {
        for (const [index, upload] of uploads.entries()) {
          const stored = await this.store.put(upload, inspected[index]!.photo);
          if (stored.created) createdFiles.push(stored.sha256);
        }
        return await commit(images);
      } catch (error) {
        await this.removeUncommittedFiles(createdFiles);
        throw error;
      }
    });
  }

  private async removeUncommittedFiles(sha256s: string[]): Promise<void> {
    for (const sha256 of sha256s) {
      try {
        if (!(await this.specimens.isBlobReferenced(sha256))) await this.store.remove(sha256);
      } catch (cleanupError) {
        this.log.error({ err: cleanupError, sha256 }, 'could not remove the files of a failed upload; the orphan sweep will');
      }
    }
  }
}

/** The client's id for the submission and the digest of what it carries; null when it sent no id. */
function clientSubmissionOf(metadata: SpecimenMetadata, uploads: UploadedImage[]): ClientSubmission | null {
  if (metadata.clientSubmissionId === undefined) return null;
  const digest = submissionDigest(
    metadata,
    uploads.map((upload) => upload.sha256),
  );
  return { id: metadata.clientSubmissionId, digest };
}

function requireImages(uploads: readonly unknown[]): void {
  if (uploads.length === 0) throw badRequest('images_required', 'At least one image is required (multipart field "images")');
}

function toRowUpdate(patch: SpecimenPatch): SpecimenRowUpdate {
  const changes: SpecimenRowUpdate = {};
  if (patch.siteType !== undefined) changes.site_type = patch.siteType;
  if (patch.locationDetail !== undefined) changes.location_detail = patch.locationDetail;
  if (patch.trapMethod !== undefined) changes.trap_method = patch.trapMethod;
  if (patch.collectedAt !== undefined) changes.collected_at = new Date(patch.collectedAt);
  if (patch.collector !== undefined) changes.collector = patch.collector;
  if (patch.count !== undefined) changes.count = patch.count;
  if (patch.lifeStage !== undefined) changes.life_stage = patch.lifeStage;
  if (patch.sex !== undefined) changes.sex = patch.sex;
  if (patch.notes !== undefined) changes.notes = patch.notes;
  if (patch.position !== undefined) Object.assign(changes, positionColumns(patch.position));
  if (patch.status !== undefined) changes.status = patch.status;
  return changes;
}

function pick(record: SpecimenRecord, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, (record as unknown as Record<string, unknown>)[key]]));
}
