import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Review, Specimen } from '@contract';
import { useEnumLabel } from '../enums';
import { formatDateTime, unitName } from '../format';
import { useLanguage } from '../i18n';
import { reviewProgress, type ReviewProgress } from '../review/progress';
import { TaxonById } from './TaxonLabel';
import { TriageSummary } from './TriageSummary';

/** One line on where the review stands: who it waits for, or how it was settled. */
export function ReviewProgressLine({ progress }: { progress: ReviewProgress }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  let text: ReactNode;
  switch (progress.kind) {
    case 'none':
      return null;
    case 'needs_photos':
      text = t('review.progress.needsPhotos');
      break;
    case 'confirmed':
      text = progress.byExperts ? (
        <>
          {t('review.progress.confirmedByExperts')} {progress.taxon && <TaxonById id={progress.taxon} />}
        </>
      ) : (
        t('review.progress.acceptedByTriage')
      );
      break;
    case 'awaiting_review':
    case 'awaiting_second': {
      const unit = progress.unit ? unitName(progress.unit, lng) : t('common.none');
      const waiting =
        progress.kind === 'awaiting_second'
          ? t('review.progress.awaitingSecond', { named: progress.named, needed: progress.needed })
          : t('review.progress.awaitingReview', { unit });
      text = progress.escalated ? (
        <>
          <strong className="escalated" data-testid="review-escalated">
            {t('review.progress.escalated', { unit })}
          </strong>{' '}
          {waiting}
        </>
      ) : (
        waiting
      );
      break;
    }
  }
  return (
    <p className={`review-progress progress-${progress.kind}`} data-testid="review-progress" data-kind={progress.kind}>
      {text}
    </p>
  );
}

function Decision({ decision }: { decision: Review }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const details = [
    decision.lifeStage ? enumLabel('lifeStage', decision.lifeStage) : null,
    decision.sex ? enumLabel('sex', decision.sex) : null,
  ].filter(Boolean);
  return (
    <li className="review-decision" data-testid="review-decision" data-decision={decision.decision} data-round={decision.round}>
      <div className="review-decision-head">
        <span className={`badge badge-decision-${decision.decision}`}>{enumLabel('reviewDecision', decision.decision)}</span>
        {decision.taxon && <TaxonById id={decision.taxon} />}
        {details.length > 0 && <span className="muted small">{details.join(' · ')}</span>}
      </div>
      {decision.notes && <p className="review-decision-notes pre-wrap">{decision.notes}</p>}
      <p className="muted small">
        {t('review.decidedBy', {
          name: decision.reviewer.displayName,
          unit: unitName(decision.reviewUnit, lng),
          time: formatDateTime(decision.createdAt, lng),
        })}
      </p>
    </li>
  );
}

/** Every expert decision on the specimen, newest first, by round (a request for photos starts a new one). */
export function ReviewDecisionList({ decisions, currentRound }: { decisions: readonly Review[]; currentRound: number }) {
  const { t } = useTranslation();
  if (decisions.length === 0) {
    return (
      <p className="muted" data-testid="specimen-review-decisions" data-count={0}>
        {t('review.noDecisions')}
      </p>
    );
  }
  const rounds = [...new Set(decisions.map((decision) => decision.round))];
  return (
    <div data-testid="specimen-review-decisions" data-count={decisions.length}>
      {rounds.map((round) => (
        <section key={round} className="review-round" data-round={round}>
          {(rounds.length > 1 || round > 1) && (
            <h3 className="section-title">
              {round === currentRound ? t('review.currentRound', { round }) : t('review.earlierRound', { round })}
            </h3>
          )}
          <ul className="review-decisions">
            {decisions
              .filter((decision) => decision.round === round)
              .map((decision) => (
                <Decision key={decision.id} decision={decision} />
              ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

/** The confirmed record the specimen became. */
function DetectionNote({ specimen, taxon }: { specimen: Specimen; taxon: string | null }) {
  const { t } = useTranslation();
  if (!specimen.detectionId) return null;
  return (
    <div className="detection-note" data-testid="specimen-detection" data-detection-id={specimen.detectionId}>
      <span className="badge badge-confirmed">{t('review.detection')}</span> {taxon && <TaxonById id={taxon} />}{' '}
      <code className="small muted">{specimen.detectionId}</code>
    </div>
  );
}

/** The specimen's way through triage and expert review, as its submitter and everyone else sees it; follows the push. */
export function SpecimenReviewPanel({ specimen }: { specimen: Specimen }) {
  const { t } = useTranslation();
  const progress = reviewProgress(specimen);
  const { triage, review } = specimen;
  if (!triage && review.decisions.length === 0 && !specimen.detectionId) return null;
  return (
    <section className="card review-panel" data-testid="specimen-review" data-progress={progress.kind}>
      <h2 className="card-title">{t('review.panelTitle')}</h2>
      {triage && <TriageSummary triage={triage} />}
      <ReviewProgressLine progress={progress} />
      <DetectionNote specimen={specimen} taxon={progress.kind === 'confirmed' ? progress.taxon : null} />
      {review.decisions.length > 0 && <ReviewDecisionList decisions={review.decisions} currentRound={review.round} />}
    </section>
  );
}
