import { Type, type Static } from 'typebox';
import { LIFE_STAGES, REVIEW_DECISIONS, SEXES } from '../domain/vocabulary.js';
import { Unit } from './auth.js';
import { DateTime, Nullable, PersonRef, Uuid } from './common.js';

/* The review state a specimen carries (apart from the review endpoints, which answer with specimens). */

export const Review = Type.Object(
  {
    id: Uuid,
    reviewer: PersonRef,
    reviewUnit: Type.Object(Unit.properties, { description: 'The unit the specimen was being reviewed at when the decision was made' }),
    round: Type.Integer({ minimum: 1 }),
    decision: Type.Enum(REVIEW_DECISIONS),
    taxon: Nullable(Type.String()),
    lifeStage: Nullable(Type.Enum(LIFE_STAGES)),
    sex: Nullable(Type.Enum(SEXES)),
    notes: Nullable(Type.String()),
    createdAt: DateTime,
  },
  { title: 'Review', description: "One expert's decision about a specimen" },
);

export const SpecimenReview = Type.Object(
  {
    round: Type.Integer({ minimum: 1, description: 'Asking for more photos starts a new round' }),
    reviewUnit: Nullable(Unit, { description: 'Whose experts may decide: the specimen’s unit, or the unit above after a disagreement' }),
    agreementsNeeded: Type.Integer({ minimum: 1, description: 'How many experts must name the same taxon (2 for critical specimens)' }),
    decisions: Type.Array(Review, { description: 'Every decision, newest first' }),
  },
  { title: 'SpecimenReview' },
);

export type Review = Static<typeof Review>;
export type SpecimenReview = Static<typeof SpecimenReview>;
