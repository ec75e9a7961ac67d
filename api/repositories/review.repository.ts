import type { Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { agreementsNeeded, type ReviewRecord, type SpecimenReviewState, type UnitRef } from '../domain/review.js';
import type { LifeStage, Sex } from '../domain/vocabulary.js';

type Executor = Db | Transaction<Database>;

/** What a specimen row says of its review, for {@link ReviewRepository.statesOf}. */
export interface ReviewColumns {
  id: string;
  triage_queue: string | null;
  review_unit_id: string | null;
  review_round: number;
}

/** The experts' decisions about specimens, as each specimen shows them. */
export class ReviewRepository {
  constructor(private readonly db: Db) {}

  /** Each specimen's review state: round, the unit whose experts decide, how many must agree, every decision newest first. */
  async statesOf(specimens: readonly ReviewColumns[], executor: Executor = this.db): Promise<Map<string, SpecimenReviewState>> {
    const result = new Map<string, SpecimenReviewState>();
    if (specimens.length === 0) return result;
    const decisions = await this.decisionsOf(
      specimens.map((specimen) => specimen.id),
      executor,
    );
    const unitIds = [...new Set(specimens.flatMap((specimen) => (specimen.review_unit_id ? [specimen.review_unit_id] : [])))];
    const units = await unitRefs(executor, unitIds);
    for (const specimen of specimens) {
      result.set(specimen.id, {
        round: specimen.review_round,
        reviewUnit: specimen.review_unit_id ? (units.get(specimen.review_unit_id) ?? null) : null,
        agreementsNeeded: agreementsNeeded(specimen.triage_queue === 'critical'),
        decisions: decisions.get(specimen.id) ?? [],
      });
    }
    return result;
  }

  private async decisionsOf(specimenIds: string[], executor: Executor): Promise<Map<string, ReviewRecord[]>> {
    const rows = await executor
      .selectFrom('reviews')
      .innerJoin('users', 'users.id', 'reviews.reviewer_id')
      .innerJoin('units', 'units.id', 'reviews.review_unit_id')
      .select([
        'reviews.id',
        'reviews.specimen_id',
        'reviews.round',
        'reviews.decision',
        'reviews.taxon_id',
        'reviews.life_stage',
        'reviews.sex',
        'reviews.notes',
        'reviews.created_at',
        'users.id as reviewer_id',
        'users.username',
        'users.display_name',
        'units.id as unit_id',
        'units.code as unit_code',
        'units.level as unit_level',
        'units.name_zh as unit_name_zh',
        'units.name_en as unit_name_en',
      ])
      .where('reviews.specimen_id', 'in', specimenIds)
      .orderBy('reviews.created_at', 'desc')
      .orderBy('reviews.id', 'desc')
      .execute();
    const bySpecimen = new Map<string, ReviewRecord[]>();
    for (const row of rows) {
      const list = bySpecimen.get(row.specimen_id) ?? [];
      list.push({
        id: row.id,
        reviewer: { id: row.reviewer_id, username: row.username, displayName: row.display_name },
        reviewUnit: { id: row.unit_id, code: row.unit_code, level: row.unit_level, nameZh: row.unit_name_zh, nameEn: row.unit_name_en },
        round: row.round,
        decision: row.decision,
        taxon: row.taxon_id,
        lifeStage: row.life_stage as LifeStage | null,
        sex: row.sex as Sex | null,
        notes: row.notes,
        createdAt: row.created_at,
      });
      bySpecimen.set(row.specimen_id, list);
    }
    return bySpecimen;
  }
}

export async function unitRefs(executor: Executor, unitIds: readonly string[]): Promise<Map<string, UnitRef>> {
  if (unitIds.length === 0) return new Map();
  const rows = await executor
    .selectFrom('units')
    .select(['id', 'code', 'level', 'name_zh', 'name_en'])
    .where('id', 'in', unitIds)
    .execute();
  return new Map(rows.map((row) => [row.id, { id: row.id, code: row.code, level: row.level, nameZh: row.name_zh, nameEn: row.name_en }]));
}
