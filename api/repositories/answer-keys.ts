import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { LifeStage } from '../domain/vocabulary.js';

/** What a question about a specimen teaches once answered: the confirmed taxon, its life stage, the expert's notes. */
export interface AnswerKey {
  taxonId: string;
  lifeStage: LifeStage | null;
  notes: string | null;
}

/**
 * The answer keys of the confirmed (detected) specimens among `specimenIds`, for practice questions and class quizzes
 * alike: the detection's taxon, and the life stage and notes of the expert who named that taxon — the latest one who
 * wrote notes, in a review or a consultation. Specimens without a detection have none.
 */
export async function answerKeysOf(
  db: Kysely<Database> | Transaction<Database>,
  specimenIds: readonly string[],
): Promise<Map<string, AnswerKey>> {
  if (specimenIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('detections')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('identifications')
          .select(['identifications.life_stage', 'identifications.notes'])
          .whereRef('identifications.specimen_id', '=', 'detections.specimen_id')
          .whereRef('identifications.taxon', '=', 'detections.taxon_id')
          .where('identifications.source', '=', 'expert')
          .orderBy(sql`identifications.notes is null`)
          .orderBy('identifications.created_at', 'desc')
          .limit(1)
          .as('expert'),
      (join) => join.onTrue(),
    )
    .select([
      'detections.specimen_id',
      'detections.taxon_id',
      'detections.life_stage',
      'expert.life_stage as expertLifeStage',
      'expert.notes',
    ])
    .where('detections.specimen_id', 'in', [...specimenIds])
    .execute();
  return new Map(
    rows.map((row) => [
      row.specimen_id,
      { taxonId: row.taxon_id, lifeStage: ((row.expertLifeStage ?? row.life_stage) as LifeStage | null) ?? null, notes: row.notes },
    ]),
  );
}
