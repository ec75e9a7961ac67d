// An expert's decision as the review form holds it, and the request body it makes.
import {
  LIFE_STAGES,
  type LifeStage,
  type ReviewBody,
  type ReviewDecision,
  type Sex,
  type Specimen,
  type Taxon,
  type VectorGroup,
} from '@contract';
import { UNKNOWN_TAXON } from '../identification';

export interface DecisionDraft {
  /** The decision being prepared: `correct` shows the taxon picker, `need-more-photos` asks for the note. */
  mode: ReviewDecision | null;
  /** `correct`: the taxon chosen. */
  taxon: Taxon | null;
  /** The taxon picker's group filter. */
  group: VectorGroup | '';
  lifeStage: LifeStage | '';
  sex: Sex | '';
  notes: string;
  /** What stopped the last attempt to send. */
  problem: DecisionProblem | null;
}

export type DecisionProblem = 'taxon' | 'notes' | 'no-answer';

function oneOf<V extends string>(values: readonly V[], raw: string | null | undefined): V | undefined {
  return values.find((value) => value === raw);
}

/**
 * A fresh form: life stage and sex as the submitter gave them (else the AI's life stage); the picker searches every
 * group (the AI's group may be what is wrong).
 */
export function initialDraft(specimen: Pick<Specimen, 'lifeStage' | 'sex' | 'identification'>): DecisionDraft {
  const ai = specimen.identification;
  return {
    mode: null,
    taxon: null,
    group: '',
    lifeStage: specimen.lifeStage ?? oneOf(LIFE_STAGES, ai?.lifeStage) ?? '',
    sex: specimen.sex ?? '',
    notes: '',
    problem: null,
  };
}

/** The AI's answer an expert may confirm, or null (still identifying, failed, or no confident answer). */
export function confirmableTaxon(specimen: Pick<Specimen, 'identification'>): string | null {
  const ai = specimen.identification;
  if (ai?.status !== 'done' || ai.rejected || !ai.taxon || ai.taxon === UNKNOWN_TAXON) return null;
  return ai.taxon;
}

export type DecisionRequest = { body: ReviewBody } | { problem: DecisionProblem };

/**
 * The body of `decision` made from the draft, or what is missing: a correction names a taxon, a request for photos
 * says which (the server takes an empty note; an expert's request without one would leave the submitter guessing).
 */
export function decisionRequest(decision: ReviewDecision, draft: DecisionDraft, aiTaxon: string | null): DecisionRequest {
  const notes = draft.notes.trim();
  if (decision === 'need-more-photos') {
    return notes === '' ? { problem: 'notes' } : { body: { decision, notes } };
  }
  const body: ReviewBody = { decision };
  if (decision === 'correct') {
    if (!draft.taxon) return { problem: 'taxon' };
    body.taxon = draft.taxon.id;
  } else if (!aiTaxon) {
    return { problem: 'no-answer' };
  }
  if (draft.lifeStage) body.lifeStage = draft.lifeStage;
  if (draft.sex) body.sex = draft.sex;
  if (notes) body.notes = notes;
  return { body };
}
