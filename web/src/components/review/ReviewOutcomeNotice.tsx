import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { ReviewOutcome } from '@contract';
import { unitName } from '../../format';
import { useLanguage } from '../../i18n';
import { TaxonById } from '../TaxonLabel';

/** What the expert's decision did, and the way on to the next specimen (`n`). */
export function ReviewOutcomeNotice({ outcome, onNext, hasNext }: { outcome: ReviewOutcome; onNext: () => void; hasNext: boolean }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const unit = outcome.specimen.review.reviewUnit;
  let text;
  switch (outcome.outcome) {
    case 'confirmed':
      text = (
        <>
          {t('review.outcome.confirmed')} {outcome.detection && <TaxonById id={outcome.detection.taxon} />}
        </>
      );
      break;
    case 'awaiting_second_opinion':
      text = t('review.outcome.awaitingSecond');
      break;
    case 'escalated':
      text = t('review.outcome.escalated', { unit: unit ? unitName(unit, lng) : t('common.none') });
      break;
    case 'needs_photos':
      text = t('review.outcome.needsPhotos');
      break;
  }
  return (
    <section className="card review-outcome alert-success" role="status" data-testid="review-outcome" data-outcome={outcome.outcome}>
      <p className="review-outcome-text">{text}</p>
      {outcome.alertId && (
        <p>
          <Link to="/alerts/$alertId" params={{ alertId: outcome.alertId }} data-testid="review-outcome-alert">
            {t('review.outcome.alertOpened')}
          </Link>
        </p>
      )}
      <button type="button" className="btn btn-primary" onClick={onNext} data-testid="review-outcome-next">
        {hasNext ? t('review.nextSpecimen') : t('review.backToQueue')} <kbd>n</kbd>
      </button>
    </section>
  );
}
