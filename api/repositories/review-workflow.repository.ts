import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Scope } from '../domain/access.js';
import type { RoundDecision } from '../domain/review.js';
import type { TriageReason } from '../domain/triage.js';
import type { LifeStage, ReviewDecision, ReviewQueue, Sex, SiteType, SpecimenStatus, TriageQueue } from '../domain/vocabulary.js';
import { unitInScope } from './scope-filter.js';

/** A unit, with what escalation needs of it. */
export interface UnitOnPath {
  id: string;
  path: string;
}

/** A specimen as triage and review work on it: locked for the rest of the transaction. */
export interface SpecimenUnderReview {
  id: string;
  status: SpecimenStatus;
  unitId: string;
  unitPath: string;
  /** The unit above the specimen's (null at the top): whose people answer for its alerts. */
  parentUnitId: string | null;
  portId: string;
  siteType: SiteType;
  collectedAt: Date;
  count: number;
  lifeStage: LifeStage | null;
  sex: Sex | null;
  triageQueue: TriageQueue | null;
  triageReasons: TriageReason[];
  reviewUnit: (UnitOnPath & { nameEn: string }) | null;
  round: number;
}

export interface NewReview {
  specimenId: string;
  reviewerId: string;
  reviewUnitId: string;
  round: number;
  decision: ReviewDecision;
  taxonId: string | null;
  lifeStage: LifeStage | null;
  sex: Sex | null;
  notes: string | null;
  identificationId: string | null;
}

/** The review queue and the steps of a review, each inside the transaction the caller runs. */
export class ReviewWorkflowRepository {
  constructor(private readonly db: Db) {}

  /** Locks the specimen row (`for update`) so decisions about one specimen are taken one after the other. */
  async lock(trx: Transaction<Database>, specimenId: string): Promise<SpecimenUnderReview | undefined> {
    const row = await trx
      .selectFrom('specimens')
      .innerJoin('units', 'units.id', 'specimens.unit_id')
      .leftJoin('units as review_unit', 'review_unit.id', 'specimens.review_unit_id')
      .select([
        'specimens.id',
        'specimens.status',
        'specimens.unit_id',
        'units.path as unit_path',
        'units.parent_id as parent_unit_id',
        'specimens.port_id',
        'specimens.site_type',
        'specimens.collected_at',
        'specimens.count',
        'specimens.life_stage',
        'specimens.sex',
        'specimens.triage_queue',
        'specimens.triage_reasons',
        'specimens.review_round',
        'review_unit.id as review_unit_id',
        'review_unit.path as review_unit_path',
        'review_unit.name_en as review_unit_name_en',
      ])
      .where('specimens.id', '=', specimenId)
      .forUpdate('specimens')
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      status: row.status,
      unitId: row.unit_id,
      unitPath: row.unit_path,
      parentUnitId: row.parent_unit_id,
      portId: row.port_id,
      siteType: row.site_type,
      collectedAt: row.collected_at,
      count: row.count,
      lifeStage: row.life_stage,
      sex: row.sex,
      triageQueue: row.triage_queue,
      triageReasons: row.triage_reasons,
      reviewUnit:
        row.review_unit_id && row.review_unit_path && row.review_unit_name_en
          ? { id: row.review_unit_id, path: row.review_unit_path, nameEn: row.review_unit_name_en }
          : null,
      round: row.review_round,
    };
  }

  /** The round's decisions, oldest first, each with where its expert sits (for escalation above them). */
  async roundDecisions(
    trx: Transaction<Database>,
    specimenId: string,
    round: number,
  ): Promise<(RoundDecision & { reviewerUnit: UnitOnPath })[]> {
    const rows = await trx
      .selectFrom('reviews')
      .innerJoin('users', 'users.id', 'reviews.reviewer_id')
      .innerJoin('units', 'units.id', 'users.unit_id')
      .select(['reviews.reviewer_id', 'reviews.decision', 'reviews.taxon_id', 'units.id as unit_id', 'units.path'])
      .where('reviews.specimen_id', '=', specimenId)
      .where('reviews.round', '=', round)
      .orderBy('reviews.created_at')
      .execute();
    return rows.map((row) => ({
      reviewerId: row.reviewer_id,
      decision: row.decision,
      taxon: row.taxon_id,
      reviewerUnit: { id: row.unit_id, path: row.path },
    }));
  }

  async insertReview(trx: Transaction<Database>, review: NewReview): Promise<string> {
    const { id } = await trx
      .insertInto('reviews')
      .values({
        specimen_id: review.specimenId,
        reviewer_id: review.reviewerId,
        review_unit_id: review.reviewUnitId,
        round: review.round,
        decision: review.decision,
        taxon_id: review.taxonId,
        life_stage: review.lifeStage,
        sex: review.sex,
        notes: review.notes,
        identification_id: review.identificationId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** The specimen's status, triage, review unit and round after a decision (and its life stage and sex once confirmed). */
  async update(
    trx: Transaction<Database>,
    specimenId: string,
    changes: {
      status: SpecimenStatus;
      triageQueue: TriageQueue;
      triageReasons: TriageReason[];
      reviewUnitId: string | null;
      round: number;
      lifeStage?: LifeStage | null;
      sex?: Sex | null;
      /** Set when this is the specimen's (first) triage. */
      triagedAt?: Date;
    },
  ): Promise<void> {
    await trx
      .updateTable('specimens')
      .set({
        status: changes.status,
        triage_queue: changes.triageQueue,
        triage_reasons: JSON.stringify(changes.triageReasons),
        review_unit_id: changes.reviewUnitId,
        review_round: changes.round,
        ...(changes.lifeStage !== undefined ? { life_stage: changes.lifeStage } : {}),
        ...(changes.sex !== undefined ? { sex: changes.sex } : {}),
        ...(changes.triagedAt ? { triaged_at: changes.triagedAt } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', specimenId)
      .execute();
  }

  /**
   * Specimens waiting for a decision that `reviewerId` may take: in review, their review unit in scope, not decided on
   * by the reviewer in the current round. Critical first, then the longest waiting.
   */
  async queue(scope: Scope, reviewerId: string, queue: ReviewQueue | undefined, page: { limit: number; offset: number }) {
    let query = this.db
      .selectFrom('specimens')
      .where('specimens.status', '=', 'in_review')
      .where((eb) => unitInScope(eb, sql<string>`specimens.review_unit_id`, scope))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('reviews')
              .select('reviews.id')
              .whereRef('reviews.specimen_id', '=', 'specimens.id')
              .whereRef('reviews.round', '=', 'specimens.review_round')
              .where('reviews.reviewer_id', '=', reviewerId),
          ),
        ),
      );
    if (queue) query = query.where('specimens.triage_queue', '=', queue);
    const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await query
      .select('specimens.id')
      .orderBy(sql`case when specimens.triage_queue = 'critical' then 0 else 1 end`)
      .orderBy('specimens.triaged_at')
      .orderBy('specimens.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return { ids: rows.map((row) => row.id), total: Number(total) };
  }
}
