// The review page's pure parts: its keyboard, the photo viewer's zoom and pan, the walk through the queue, where a
// specimen stands in review, and the decision the form sends.
import { describe, expect, it } from 'vitest';
import type { Review, Specimen, SpecimenIdentification, SpecimenReview, Taxon, TriageReason, Unit } from '@contract';
import { confirmableTaxon, decisionRequest, initialDraft, type DecisionDraft } from '../../web/src/review/decision';
import { currentRoundDecisions, hasDecided, isEscalated, namingExperts, reviewProgress } from '../../web/src/review/progress';
import { queuePosition } from '../../web/src/review/queue';
import { parseReviewSearch, REVIEW_QUEUE_LIMIT, reviewQueueQueryFor } from '../../web/src/review/search';
import { isTypingTarget, keyLabel, REVIEW_SHORTCUTS, shortcutFor, type KeyPress } from '../../web/src/review/shortcuts';
import {
  clampView,
  FIT,
  MAX_SCALE,
  panBy,
  toggleZoom,
  TOGGLE_SCALE,
  wheelFactor,
  zoomBy,
  zoomTo,
  ZOOM_STEP,
} from '../../web/src/review/zoom';

const press = (key: string, overrides: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target: { tagName: 'BODY' },
  ...overrides,
});

describe('review shortcuts', () => {
  it('maps each documented key to its action, letters in either case', () => {
    expect(shortcutFor(press('c'))).toBe('confirm');
    expect(shortcutFor(press('C'))).toBe('confirm');
    expect(shortcutFor(press('x'))).toBe('correct');
    expect(shortcutFor(press('p'))).toBe('needPhotos');
    expect(shortcutFor(press('n'))).toBe('next');
    expect(shortcutFor(press('j'))).toBe('next');
    expect(shortcutFor(press('k'))).toBe('previous');
    expect(shortcutFor(press('z'))).toBe('toggleZoom');
    expect(shortcutFor(press('+'))).toBe('zoomIn');
    expect(shortcutFor(press('='))).toBe('zoomIn');
    expect(shortcutFor(press('-'))).toBe('zoomOut');
    expect(shortcutFor(press('ArrowLeft'))).toBe('previousPhoto');
    expect(shortcutFor(press('ArrowRight'))).toBe('nextPhoto');
    expect(shortcutFor(press('?'))).toBe('help');
    expect(shortcutFor(press('q'))).toBeNull();
    expect(shortcutFor(press('Enter'))).toBeNull();
  });

  it('gives every key one action only', () => {
    const keys = REVIEW_SHORTCUTS.flatMap((shortcut) => [...shortcut.keys]);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('leaves the browser its own shortcuts (Ctrl, ⌘, Alt)', () => {
    expect(shortcutFor(press('c', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(press('c', { metaKey: true }))).toBeNull();
    expect(shortcutFor(press('ArrowLeft', { altKey: true }))).toBeNull();
  });

  it('is ignored while typing: text fields, text areas, selects, editable content; not on buttons or checkboxes', () => {
    for (const target of [
      { tagName: 'INPUT', type: 'text' },
      { tagName: 'input', type: 'search' },
      { tagName: 'INPUT' },
      { tagName: 'TEXTAREA' },
      { tagName: 'SELECT' },
      { tagName: 'DIV', isContentEditable: true },
    ]) {
      expect(isTypingTarget(target), JSON.stringify(target)).toBe(true);
      expect(shortcutFor(press('c', { target }))).toBeNull();
    }
    for (const target of [{ tagName: 'BUTTON' }, { tagName: 'INPUT', type: 'checkbox' }, { tagName: 'A' }, null, undefined]) {
      expect(isTypingTarget(target), JSON.stringify(target)).toBe(false);
    }
    expect(shortcutFor(press('n', { target: { tagName: 'BUTTON' } }))).toBe('next');
  });

  it('writes arrows as arrows in the help', () => {
    expect(keyLabel('ArrowLeft')).toBe('←');
    expect(keyLabel('ArrowRight')).toBe('→');
    expect(keyLabel('c')).toBe('c');
  });
});

describe('photo zoom and pan', () => {
  const stage = { width: 800, height: 600 };

  it('zooms around the point under the pointer, which stays where it is', () => {
    const focus = { x: 200, y: 150 };
    const zoomed = zoomTo(FIT, 2, focus, stage);
    expect(zoomed).toEqual({ scale: 2, x: -200, y: -150 });
    // The photo's point under the focus: the same before and after.
    expect((focus.x - zoomed.x) / zoomed.scale).toBe(focus.x);
    expect((focus.y - zoomed.y) / zoomed.scale).toBe(focus.y);
  });

  it('keeps the scale between fit and the maximum', () => {
    expect(zoomTo(FIT, 0.5, { x: 0, y: 0 }, stage)).toEqual(FIT);
    expect(zoomTo(FIT, 100, { x: 400, y: 300 }, stage).scale).toBe(MAX_SCALE);
  });

  it('lands exactly on fit when steps cancel out', () => {
    const centre = { x: 400, y: 300 };
    const zoomedIn = zoomBy(FIT, ZOOM_STEP, centre, stage);
    expect(zoomedIn.scale).toBe(ZOOM_STEP);
    expect(zoomBy(zoomedIn, 1 / ZOOM_STEP, centre, stage)).toEqual(FIT);
  });

  it('never lets the photo uncover the stage while panning', () => {
    const zoomed = zoomTo(FIT, 2, { x: 400, y: 300 }, stage); // x -400 … 0, y -300 … 0 allowed
    expect(zoomed).toEqual({ scale: 2, x: -400, y: -300 });
    expect(panBy(zoomed, 1000, 1000, stage)).toEqual({ scale: 2, x: 0, y: 0 });
    expect(panBy(zoomed, -1000, -1000, stage)).toEqual({ scale: 2, x: -800, y: -600 });
    expect(panBy(zoomed, 50, -20, stage)).toEqual({ scale: 2, x: -350, y: -320 });
    // At fit nothing moves.
    expect(panBy(FIT, 50, 50, stage)).toEqual(FIT);
    expect(clampView({ scale: 1, x: -10, y: 10 }, stage)).toEqual(FIT);
  });

  it('toggles between fit and a close look', () => {
    const close = toggleZoom(FIT, { x: 400, y: 300 }, stage);
    expect(close.scale).toBe(TOGGLE_SCALE);
    expect(toggleZoom(close, { x: 0, y: 0 }, stage)).toEqual(FIT);
  });

  it('zooms in when the wheel turns up, out when it turns down, a notch at a time', () => {
    expect(wheelFactor(-100)).toBeGreaterThan(1);
    expect(wheelFactor(100)).toBeLessThan(1);
    expect(wheelFactor(0)).toBe(1);
    expect(wheelFactor(-100) * wheelFactor(100)).toBeCloseTo(1);
    // A runaway delta (a free-spinning wheel) is still one notch or two, not a jump to the limit.
    expect(wheelFactor(-100_000)).toBeLessThan(2);
  });
});

describe('walking the review queue', () => {
  const queue = ['a', 'b', 'c'];

  it('knows the neighbours and the position of a specimen in the queue', () => {
    expect(queuePosition(queue, 'a')).toEqual({ previous: null, next: 'b', position: 1, total: 3 });
    expect(queuePosition(queue, 'b')).toEqual({ previous: 'a', next: 'c', position: 2, total: 3 });
    expect(queuePosition(queue, 'c')).toEqual({ previous: 'b', next: null, position: 3, total: 3 });
  });

  it('leads from a specimen not in the queue to its first one', () => {
    expect(queuePosition(queue, 'elsewhere')).toEqual({ previous: null, next: 'a', position: null, total: 3 });
    expect(queuePosition([], 'elsewhere')).toEqual({ previous: null, next: null, position: null, total: 0 });
  });

  it('keeps the queue filter from the URL, dropping unknown ones, and asks for as many as the server lists', () => {
    expect(parseReviewSearch({ queue: 'critical' })).toEqual({ queue: 'critical' });
    expect(parseReviewSearch({ queue: 'auto' })).toEqual({ queue: undefined });
    expect(parseReviewSearch({})).toEqual({ queue: undefined });
    expect(REVIEW_QUEUE_LIMIT).toBe(100);
    expect(reviewQueueQueryFor({ queue: 'review' })).toEqual({ queue: 'review', limit: 100 });
    expect(reviewQueueQueryFor({})).toEqual({ limit: 100 });
  });
});

const port: Unit = { id: 'unit-port', code: 'NB-BL', level: 'port', nameZh: '北仑', nameEn: 'Beilun' };
const district: Unit = { id: 'unit-district', code: 'NB', level: 'district', nameZh: '宁波', nameEn: 'Ningbo' };

let decisionCount = 0;
function decision(overrides: Partial<Review> = {}): Review {
  decisionCount += 1;
  return {
    id: `review-${decisionCount}`,
    reviewer: { id: `expert-${decisionCount}`, username: `expert${decisionCount}`, displayName: `Expert ${decisionCount}` },
    reviewUnit: port,
    round: 1,
    decision: 'confirm',
    taxon: 'Aedes albopictus',
    lifeStage: 'adult',
    sex: null,
    notes: null,
    createdAt: '2026-11-21T08:00:00.000Z',
    ...overrides,
  };
}

const identification = (overrides: Partial<SpecimenIdentification> = {}): SpecimenIdentification => ({
  status: 'done',
  requestedAt: '2026-11-20T06:00:00.000Z',
  completedAt: '2026-11-20T06:00:05.000Z',
  error: null,
  group: 'mosquito',
  lifeStage: 'adult',
  taxon: 'Aedes albopictus',
  confidence: 0.62,
  rejected: false,
  committedLevel: 'species',
  levels: {
    group: { taxon: 'Culicidae', confidence: 0.99 },
    genus: { taxon: 'Aedes', confidence: 0.92 },
    species: { taxon: 'Aedes albopictus', confidence: 0.62 },
  },
  topK: [
    { taxon: 'Aedes albopictus', p: 0.62 },
    { taxon: 'Aedes aegypti', p: 0.3 },
  ],
  model: 'species-mosquito@1',
  models: ['group@1', 'species-mosquito@1'],
  timings: null,
  images: [],
  ...overrides,
});

type ReviewedSpecimen = Pick<Specimen, 'status' | 'triage' | 'review' | 'identification' | 'lifeStage' | 'sex'>;

function specimen(overrides: Partial<Omit<ReviewedSpecimen, 'review'>> & { review?: Partial<SpecimenReview> } = {}): ReviewedSpecimen {
  const { review, ...rest } = overrides;
  return {
    status: 'in_review',
    triage: { queue: 'critical', reasons: [], triagedAt: '2026-11-20T06:00:06.000Z' },
    identification: identification(),
    lifeStage: null,
    sex: null,
    ...rest,
    review: { round: 1, reviewUnit: port, agreementsNeeded: 2, decisions: [], ...review },
  };
}

const disagreement: TriageReason = {
  code: 'experts_disagree',
  queue: 'critical',
  detail: 'experts named Aedes albopictus and Aedes aegypti',
};

describe('where a specimen stands in review', () => {
  it('waits for an expert while nobody has answered', () => {
    expect(reviewProgress(specimen())).toEqual({ kind: 'awaiting_review', unit: port, escalated: false, named: 0, needed: 2 });
  });

  it('waits for a second expert on a critical specimen one expert has answered', () => {
    const first = decision();
    expect(reviewProgress(specimen({ review: { decisions: [first] } }))).toMatchObject({ kind: 'awaiting_second', named: 1, needed: 2 });
    // A specimen one expert settles does not wait for a second.
    expect(reviewProgress(specimen({ review: { agreementsNeeded: 1, decisions: [] } })).kind).toBe('awaiting_review');
  });

  it('counts only the current round and the unit deciding now', () => {
    const earlierRound = decision({ round: 1 });
    const request = decision({ round: 1, decision: 'need-more-photos', taxon: null });
    const atPort = decision({ round: 2 });
    const review: SpecimenReview = { round: 2, reviewUnit: district, agreementsNeeded: 2, decisions: [atPort, request, earlierRound] };
    expect(currentRoundDecisions(review)).toEqual([atPort]);
    expect(namingExperts(review)).toBe(0);
    expect(namingExperts({ ...review, reviewUnit: port })).toBe(1);
  });

  it('says where a disagreement moved the decision', () => {
    const escalated = specimen({
      triage: { queue: 'critical', reasons: [disagreement], triagedAt: '2026-11-21T09:00:00.000Z' },
      review: { reviewUnit: district, decisions: [decision({ taxon: 'Aedes aegypti' }), decision()] },
    });
    expect(isEscalated(escalated)).toBe(true);
    expect(reviewProgress(escalated)).toEqual({ kind: 'awaiting_review', unit: district, escalated: true, named: 0, needed: 2 });
    expect(isEscalated(specimen())).toBe(false);
    expect(isEscalated(specimen({ triage: null }))).toBe(false);
  });

  it('shows the newest request for photos', () => {
    const older = decision({ round: 1, decision: 'need-more-photos', taxon: null, notes: 'the wings' });
    const newer = decision({ round: 2, decision: 'need-more-photos', taxon: null, notes: 'the scutum from above' });
    const progress = reviewProgress(specimen({ status: 'needs_photos', review: { round: 3, decisions: [newer, older] } }));
    expect(progress).toEqual({ kind: 'needs_photos', request: newer });
  });

  it('tells a confirmation by the experts from one by triage alone', () => {
    const agreed = specimen({
      status: 'confirmed',
      review: { decisions: [decision({ taxon: 'Aedes aegypti' }), decision({ taxon: 'Aedes aegypti' })] },
    });
    expect(reviewProgress(agreed)).toEqual({ kind: 'confirmed', byExperts: true, taxon: 'Aedes aegypti' });
    const auto = specimen({ status: 'confirmed', triage: { queue: 'auto', reasons: [], triagedAt: '2026-11-20T06:00:06.000Z' } });
    expect(reviewProgress(auto)).toEqual({ kind: 'confirmed', byExperts: false, taxon: 'Aedes albopictus' });
  });

  it('has nothing to say of a specimen being identified', () => {
    expect(reviewProgress(specimen({ status: 'submitted', triage: null }))).toEqual({ kind: 'none' });
  });

  it('knows whether an expert has answered in this round', () => {
    const mine = decision();
    const review: SpecimenReview = { round: 1, reviewUnit: port, agreementsNeeded: 2, decisions: [mine] };
    expect(hasDecided(review, mine.reviewer.id)).toBe(true);
    expect(hasDecided(review, 'someone-else')).toBe(false);
    expect(hasDecided({ ...review, round: 2 }, mine.reviewer.id)).toBe(false);
  });
});

const albopictus: Taxon = {
  id: 'Aedes albopictus',
  rank: 'species',
  parentId: 'Aedes',
  group: 'mosquito',
  nameZh: '白纹伊蚊',
  nameEn: 'Asian tiger mosquito',
  synonyms: ['Stegomyia albopicta'],
  diseases: [{ nameZh: '登革热', nameEn: 'dengue' }],
  lineage: ['Diptera', 'Culicidae', 'Aedes', 'Aedes albopictus'],
  watchList: false,
  updatedAt: '2026-11-01T00:00:00.000Z',
};

describe('the decision form', () => {
  it('starts from what the submitter said, else the AI, the picker searching every group', () => {
    expect(initialDraft(specimen())).toEqual({
      mode: null,
      taxon: null,
      group: '',
      lifeStage: 'adult',
      sex: '',
      notes: '',
      problem: null,
    });
    expect(initialDraft(specimen({ lifeStage: 'larva', sex: 'female' }))).toMatchObject({ lifeStage: 'larva', sex: 'female' });
    expect(initialDraft(specimen({ identification: identification({ lifeStage: 'imago' }) }))).toMatchObject({ lifeStage: '' });
  });

  it('offers to confirm only a confident AI answer', () => {
    expect(confirmableTaxon(specimen())).toBe('Aedes albopictus');
    expect(confirmableTaxon(specimen({ identification: identification({ rejected: true, taxon: 'unknown' }) }))).toBeNull();
    expect(confirmableTaxon(specimen({ identification: identification({ status: 'failed', taxon: null }) }))).toBeNull();
    expect(confirmableTaxon(specimen({ identification: identification({ status: 'pending' }) }))).toBeNull();
    expect(confirmableTaxon(specimen({ identification: null }))).toBeNull();
  });

  const draft = (overrides: Partial<DecisionDraft> = {}): DecisionDraft => ({ ...initialDraft(specimen()), ...overrides });

  it('confirms the AI answer with what the expert saw', () => {
    expect(decisionRequest('confirm', draft(), 'Aedes albopictus')).toEqual({ body: { decision: 'confirm', lifeStage: 'adult' } });
    expect(decisionRequest('confirm', draft({ sex: 'female', notes: '  white scutum line  ' }), 'Aedes albopictus')).toEqual({
      body: { decision: 'confirm', lifeStage: 'adult', sex: 'female', notes: 'white scutum line' },
    });
    expect(decisionRequest('confirm', draft(), null)).toEqual({ problem: 'no-answer' });
  });

  it('corrects to the taxon picked, and asks for one first', () => {
    expect(decisionRequest('correct', draft(), 'Aedes aegypti')).toEqual({ problem: 'taxon' });
    expect(decisionRequest('correct', draft({ taxon: albopictus, lifeStage: '' }), null)).toEqual({
      body: { decision: 'correct', taxon: 'Aedes albopictus' },
    });
  });

  it('asks for photos only with a note saying which', () => {
    expect(decisionRequest('need-more-photos', draft({ notes: '   ' }), 'Aedes albopictus')).toEqual({ problem: 'notes' });
    expect(decisionRequest('need-more-photos', draft({ notes: ' the palps, close up ', sex: 'male' }), 'Aedes albopictus')).toEqual({
      body: { decision: 'need-more-photos', notes: 'the palps, close up' },
    });
  });
});
