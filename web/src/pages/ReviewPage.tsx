import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReviewDecision, ReviewOutcome, Specimen } from '@contract';
import { ApiError } from '../api/client';
import { specimenQuery } from '../api/queries';
import { reviewQueueQuery, useReviewSpecimen } from '../api/review-queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { PhotoViewer, usePhotoViewer } from '../components/PhotoViewer';
import { ReviewDecisionList, ReviewProgressLine } from '../components/ReviewState';
import { AiAnswer } from '../components/review/AiAnswer';
import { DecisionForm } from '../components/review/DecisionForm';
import { IdentificationHistory } from '../components/review/IdentificationHistory';
import { ReviewOutcomeNotice } from '../components/review/ReviewOutcomeNotice';
import { ShortcutHelp } from '../components/review/ShortcutHelp';
import { SimilarSpecimens } from '../components/review/SimilarSpecimens';
import { StatusBadge } from '../components/StatusBadge';
import { TriageQueueBadge, TriageSummary } from '../components/TriageSummary';
import { useCurrentUser } from '../current-user';
import { useEnumLabel } from '../enums';
import { formatDateTime, portName } from '../format';
import { useLanguage } from '../i18n';
import { confirmableTaxon, decisionRequest, initialDraft, type DecisionDraft } from '../review/decision';
import { hasDecided, reviewProgress } from '../review/progress';
import { queuePosition } from '../review/queue';
import { reviewQueueQueryFor, type ReviewSearch } from '../review/search';
import { shortcutFor } from '../review/shortcuts';
import { useLatest } from '../use-latest';
import { Icon } from '../components/Icon';

const route = getRouteApi('/signed-in/review/$specimenId');

/** The facts of the collection an expert weighs: where, when, how many, as the submitter described it. */
function SpecimenFacts({ specimen }: { specimen: Specimen }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const rows: [string, string][] = [
    [t('detail.port'), `${specimen.port.code} ${portName(specimen.port, lng)}`],
    [t('detail.siteType'), enumLabel('siteType', specimen.siteType)],
    [t('detail.location'), specimen.locationDetail ?? ''],
    [t('detail.collectedAt'), formatDateTime(specimen.collectedAt, lng)],
    [t('detail.count'), String(specimen.count)],
    [t('detail.lifeStage'), specimen.lifeStage ? enumLabel('lifeStage', specimen.lifeStage) : ''],
    [t('detail.sex'), specimen.sex ? enumLabel('sex', specimen.sex) : ''],
    [t('detail.notes'), specimen.notes ?? ''],
    [t('detail.createdBy'), specimen.createdBy.displayName],
  ];
  return (
    <section className="card">
      <h2 className="card-title">{t('detail.fields')}</h2>
      <dl className="dl">
        {rows
          .filter(([, value]) => value !== '')
          .map(([label, value]) => (
            <div key={label} className="dl-row">
              <dt>{label}</dt>
              <dd className="pre-wrap">{value}</dd>
            </div>
          ))}
      </dl>
    </section>
  );
}

interface Decided {
  outcome: ReviewOutcome;
  /** The specimen after this one in the queue as it stood when the decision was sent (it leaves the queue then). */
  next: string | null;
}

/** The review of one specimen: photos, the AI's answer, what is known of it, and the expert's decision, by keyboard too. */
function ReviewWorkspace({ specimen, search }: { specimen: Specimen; search: ReviewSearch }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const { data: queue } = useQuery(reviewQueueQuery(reviewQueueQueryFor(search)));
  const queueIds = queue?.items.map((item) => item.id) ?? [];
  const position = queuePosition(queueIds, specimen.id);
  const viewer = usePhotoViewer(specimen.images.length);
  const [draft, setDraft] = useState<DecisionDraft>(() => initialDraft(specimen));
  const [helpOpen, setHelpOpen] = useState(false);
  const [decided, setDecided] = useState<Decided | null>(null);
  const review = useReviewSpecimen();
  const pickerRef = useRef<HTMLInputElement>(null);
  const notesRef = useRef<HTMLTextAreaElement>(null);
  const aiTaxon = confirmableTaxon(specimen);
  const canDecide = decided === null && specimen.status === 'in_review' && !hasDecided(specimen.review, user.id);
  const nextId = decided ? decided.next : position.next;

  function goTo(specimenId: string | null): void {
    if (specimenId) void navigate({ to: '/review/$specimenId', params: { specimenId }, search });
    else void navigate({ to: '/review', search });
  }

  const changeDraft = (change: Partial<DecisionDraft>) => setDraft((current) => ({ ...current, ...change }));

  function prepare(mode: 'correct' | 'need-more-photos'): void {
    if (!canDecide) return;
    changeDraft({ mode, problem: null });
    // Already on screen: focus it now (otherwise it takes the focus as it appears).
    (mode === 'correct' ? pickerRef : notesRef).current?.focus();
  }

  function decide(decision: ReviewDecision): void {
    if (!canDecide || review.isPending) return;
    const request = decisionRequest(decision, draft, aiTaxon);
    if ('problem' in request) {
      changeDraft(decision === 'confirm' ? { problem: request.problem } : { mode: decision, problem: request.problem });
      if (request.problem === 'taxon') pickerRef.current?.focus();
      if (request.problem === 'notes') notesRef.current?.focus();
      return;
    }
    const next = position.next;
    review.mutate({ specimenId: specimen.id, body: request.body }, { onSuccess: (outcome) => setDecided({ outcome, next }) });
  }

  const onKeyDown = useLatest((event: KeyboardEvent) => {
    if (event.key === 'Escape' && helpOpen) {
      setHelpOpen(false);
      return;
    }
    const action = shortcutFor(event);
    if (!action) return;
    // The key is the command: it types nothing into the field a command focuses, nor scrolls the page.
    event.preventDefault();
    switch (action) {
      case 'confirm':
        return decide('confirm');
      case 'correct':
        return prepare('correct');
      case 'needPhotos':
        return prepare('need-more-photos');
      case 'next':
        return goTo(nextId);
      case 'previous':
        if (position.previous) goTo(position.previous);
        return;
      case 'toggleZoom':
        return viewer.toggleZoom();
      case 'zoomIn':
        return viewer.zoomIn();
      case 'zoomOut':
        return viewer.zoomOut();
      case 'previousPhoto':
        return viewer.previous();
      case 'nextPhoto':
        return viewer.next();
      case 'help':
        return setHelpOpen((open) => !open);
    }
  });

  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKeyDown.current(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [onKeyDown]);

  const progress = reviewProgress(specimen);
  return (
    <section className="page review-page" data-testid="review-page" data-specimen-id={specimen.id}>
      <div className="page-head">
        <h1 className="page-title">
          {t('review.title')} <span className="port-code">{specimen.port.code}</span>{' '}
          <span className="muted">{formatDateTime(specimen.collectedAt, lng)}</span>
        </h1>
        <StatusBadge status={specimen.status} />
        {specimen.triage && <TriageQueueBadge queue={specimen.triage.queue} />}
        <nav className="review-nav" aria-label={t('review.queueNavigation')}>
          <Link to="/review" search={search} className="btn btn-ghost btn-small" data-testid="review-back">
            {t('review.backToQueue')}
          </Link>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            disabled={!position.previous}
            onClick={() => goTo(position.previous)}
            data-testid="review-previous"
          >
            {t('review.previous')} <kbd>k</kbd>
          </button>
          {position.position !== null && (
            <span className="muted small" data-testid="review-position">
              {t('review.position', { n: position.position, total: position.total })}
            </span>
          )}
          <button type="button" className="btn btn-secondary btn-small" onClick={() => goTo(nextId)} data-testid="review-next">
            {nextId ? t('review.next') : t('review.backToQueue')} <kbd>n</kbd>
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-small"
            aria-expanded={helpOpen}
            onClick={() => setHelpOpen((open) => !open)}
            data-testid="review-help"
          >
            {t('review.shortcuts.show')} <kbd>?</kbd>
          </button>
        </nav>
      </div>

      {helpOpen && <ShortcutHelp onClose={() => setHelpOpen(false)} />}

      <div className="review-layout">
        <div className="review-main">
          <div className="card">
            <PhotoViewer images={specimen.images} viewer={viewer} />
          </div>
          <SimilarSpecimens specimenId={specimen.id} />
        </div>
        <div className="review-side">
          {decided ? (
            <ReviewOutcomeNotice outcome={decided.outcome} hasNext={decided.next !== null} onNext={() => goTo(decided.next)} />
          ) : canDecide ? (
            <DecisionForm
              draft={draft}
              onDraftChange={changeDraft}
              aiTaxon={aiTaxon}
              sending={review.isPending}
              onDecide={decide}
              onPrepare={prepare}
              pickerRef={pickerRef}
              notesRef={notesRef}
            />
          ) : (
            <p className="card muted" data-testid="review-not-pending">
              {specimen.status === 'in_review' ? t('review.alreadyDecided') : t('review.notPending')}
            </p>
          )}
          <ErrorMessage error={review.error} testId="review-error" />
          <AiAnswer identification={specimen.identification ?? null} />
          {specimen.triage && (
            <section className="card">
              <h2 className="card-title">{t('review.triage')}</h2>
              <TriageSummary triage={specimen.triage} />
            </section>
          )}
          <section className="card">
            <h2 className="card-title">{t('review.history')}</h2>
            <ReviewProgressLine progress={progress} />
            <ReviewDecisionList decisions={specimen.review.decisions} currentRound={specimen.review.round} />
            <IdentificationHistory entries={specimen.identifications} />
          </section>
          <SpecimenFacts specimen={specimen} />
        </div>
      </div>
    </section>
  );
}

/** `#/review/<specimen id>` (experts): one specimen to decide on; `n`/`k` walk the queue the expert came from. */
export function ReviewPage() {
  const { t } = useTranslation();
  const { specimenId } = route.useParams();
  const search = route.useSearch();
  const { data: specimen, error, refetch } = useQuery(specimenQuery(specimenId));

  if (!specimen) {
    const notFound = error instanceof ApiError && error.status === 404;
    return (
      <section className="page">
        <p>
          <Link to="/review" search={search}>
            <Icon name="arrowLeft" /> {t('review.backToQueue')}
          </Link>
        </p>
        {notFound ? (
          <p className="empty" data-testid="specimen-not-found">
            {t('detail.notFound')}
          </p>
        ) : error ? (
          <ErrorMessage error={error} onRetry={() => void refetch()} />
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}
      </section>
    );
  }
  return <ReviewWorkspace specimen={specimen} search={search} />;
}
