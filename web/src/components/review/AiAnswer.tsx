import { useTranslation } from 'react-i18next';
import type { SpecimenIdentification } from '@contract';
import { useLanguage } from '../../i18n';
import { formatPercent, percentValue } from '../../identification';
import { TaxonById } from '../TaxonLabel';
import { CommittedLevel } from '../CommittedLevel';
import { TaxonName } from '../TaxonName';

/** The AI's answer for the expert: the taxon and its confidence, then every candidate with its probability. */
export function AiAnswer({ identification }: { identification: SpecimenIdentification | null }) {
  const { t } = useTranslation();
  const lng = useLanguage();

  let body;
  if (!identification || identification.status === 'pending') {
    body = <p className="muted">{identification ? t('identification.pending') : t('identification.none')}</p>;
  } else if (identification.status === 'failed') {
    body = <p className="field-warning">{t('identification.failed')}</p>;
  } else {
    const { taxon, confidence, rejected } = identification;
    body = (
      <>
        <div className="review-ai-answer">
          {rejected || !taxon ? <TaxonName taxon="unknown" rejected /> : <TaxonById id={taxon} testId="review-ai-taxon" />}
          {confidence !== null && (
            <span className="id-badge-confidence" title={t('identification.confidence')}>
              {formatPercent(confidence, lng)}
            </span>
          )}
        </div>
        <CommittedLevel answer={identification} testId="review-committed-level" />
        {identification.topK.length > 0 && (
          <ol className="topk" data-testid="review-topk" aria-label={t('identification.topK')}>
            {identification.topK.map(({ taxon: candidate, p }) => (
              <li
                key={candidate}
                className={`topk-row${!rejected && candidate === taxon ? ' is-best' : ''}`}
                data-testid="review-topk-row"
                data-taxon={candidate}
                data-p={p}
              >
                <span className="topk-taxon">
                  <TaxonById id={candidate} />
                </span>
                <span
                  className="topk-bar"
                  role="meter"
                  aria-label={t('identification.probabilityOf', { taxon: candidate })}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={percentValue(p)}
                  aria-valuetext={formatPercent(p, lng)}
                >
                  <span className="topk-fill" style={{ width: `${percentValue(p)}%` }} />
                </span>
                <span className="topk-value">{formatPercent(p, lng)}</span>
              </li>
            ))}
          </ol>
        )}
      </>
    );
  }
  return (
    <section className="card" data-testid="review-ai" data-status={identification?.status ?? 'none'}>
      <h2 className="card-title">{t('review.aiAnswer')}</h2>
      {body}
    </section>
  );
}
