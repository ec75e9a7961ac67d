import { sql, type Expression, type RawBuilder } from 'kysely';
import { agreementsNeeded, type SpecimenReviewState, type UnitRef } from '../domain/review.js';
import type { LifeStage, ReviewDecision, Sex } from '../domain/vocabulary.js';

/** What a specimen row says of its review, for {@link reviewStateOf}. */
export interface ReviewColumns {
  triage_queue: string | null;
  review_round: number;
  /** The unit whose experts decide, as {@link ReviewRepository.reviewUnitOf} selects it. */
  review_unit: UnitRef | null;
  /** Every decision, newest first, as {@link ReviewRepository.decisionsOf} selects them. */
  review_decisions: ReviewDecisionJson[];
}

/** One decision, as {@link ReviewRepository.decisionsOf} selects it. */
export interface ReviewDecisionJson {
  id: string;
  reviewerId: string;
  username: string;
  displayName: string;
  unit: UnitRef;
  round: number;
  decision: ReviewDecision;
  taxon: string | null;
  lifeStage: string | null;
  sex: string | null;
  notes: string | null;
  createdAt: string;
}

/** The experts' decisions about specimens, as each specimen shows them. */
export class ReviewRepository {
  /**
   * Every decision about the specimen whose id `specimenId` refers to, newest first, with its reviewer and deciding
   * unit, as one JSON value of a query over specimens (a page of specimens is one query, ADR 0039).
   */
  decisionsOf(specimenId: Expression<string>): RawBuilder<ReviewDecisionJson[]> {
    return sql<ReviewDecisionJson[]>`(
      select coalesce(json_agg(json_build_object(
          'id', v.id, 'reviewerId', reviewer.id, 'username', reviewer.username, 'displayName', reviewer.display_name,
          'unit', json_build_object('id', unit.id, 'code', unit.code, 'level', unit.level, 'nameZh', unit.name_zh,
            'nameEn', unit.name_en),
          'round', v.round, 'decision', v.decision, 'taxon', v.taxon_id, 'lifeStage', v.life_stage, 'sex', v.sex,
          'notes', v.notes, 'createdAt', v.created_at)
        order by v.created_at desc, v.id desc), '[]'::json)
      from reviews v
      join users reviewer on reviewer.id = v.reviewer_id
      join units unit on unit.id = v.review_unit_id
      where v.specimen_id = ${specimenId})`;
  }

  /** The unit a specimen's `review_unit_id` names, as JSON (null when it has none). */
  reviewUnitOf(unitId: Expression<string | null>): RawBuilder<UnitRef | null> {
    return sql<UnitRef | null>`(
      select json_build_object('id', u.id, 'code', u.code, 'level', u.level, 'nameZh', u.name_zh, 'nameEn', u.name_en)
      from units u
      where u.id = ${unitId})`;
  }
}

/** A specimen's review state: round, the unit whose experts decide, how many must agree, every decision newest first. */
export function reviewStateOf(specimen: ReviewColumns): SpecimenReviewState {
  return {
    round: specimen.review_round,
    reviewUnit: specimen.review_unit,
    agreementsNeeded: agreementsNeeded(specimen.triage_queue === 'critical'),
    decisions: specimen.review_decisions.map((row) => ({
      id: row.id,
      reviewer: { id: row.reviewerId, username: row.username, displayName: row.displayName },
      reviewUnit: row.unit,
      round: row.round,
      decision: row.decision,
      taxon: row.taxon,
      lifeStage: row.lifeStage as LifeStage | null,
      sex: row.sex as Sex | null,
      notes: row.notes,
      createdAt: new Date(row.createdAt),
    })),
  };
}
