import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ShadowComparison } from '@contract';
import { useLanguage } from '../../i18n';
import { formatPercent } from '../../identification';
import { TaxonName } from '../TaxonName';

type ComparedAnswer = ShadowComparison['disagreements'][number]['primary'];

/** A model key (`name@version` of every version consulted, comma-joined) with room to wrap between versions. */
function readableKey(key: string): string {
  return key.split(',').join(', ');
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="dl-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Answer({ answer }: { answer: ComparedAnswer }) {
  const lng = useLanguage();
  return (
    <>
      <TaxonName taxon={answer.taxon} rejected={answer.rejected} short />
      {answer.confidence !== null && <span className="muted small"> {formatPercent(answer.confidence, lng)}</span>}
    </>
  );
}

/** One shadow model key against the primary answers of the same runs: agreement, rejections, confidence, where they differ. */
export function ShadowComparisonCard({ comparison }: { comparison: ShadowComparison }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { agreement, rejected, meanConfidence, confusion, disagreements } = comparison;
  const confidence = (value: number | null) => (value === null ? t('common.none') : formatPercent(value, lng));

  return (
    <article className="card" data-testid="shadow-comparison" data-shadow-model-key={comparison.shadowModelKey}>
      <h3 className="card-title">
        <code>{readableKey(comparison.shadowModelKey)}</code>
      </h3>
      <dl className="dl">
        <Row label={t('models.comparedWith')}>
          {comparison.primaryModelKeys.map((key) => (
            <div key={key}>
              <code>{readableKey(key)}</code>
            </div>
          ))}
        </Row>
        <Row label={t('models.specimensCompared')}>
          <span data-testid="shadow-specimens">{comparison.specimens}</span>
        </Row>
        <Row label={t('models.agreement')}>
          <span data-testid="shadow-agreement" data-taxon={agreement.taxon} data-group={agreement.group}>
            {t('models.agreementValues', { taxon: formatPercent(agreement.taxon, lng), group: formatPercent(agreement.group, lng) })}
          </span>
        </Row>
        <Row label={t('models.rejected')}>{t('models.primaryAndShadow', { primary: rejected.primary, shadow: rejected.shadow })}</Row>
        <Row label={t('models.meanConfidence')}>
          {t('models.primaryAndShadow', { primary: confidence(meanConfidence.primary), shadow: confidence(meanConfidence.shadow) })}
        </Row>
      </dl>

      <h4 className="section-title">{t('models.confusions')}</h4>
      {confusion.length === 0 ? (
        <p className="muted">{t('models.noDifference')}</p>
      ) : (
        <table className="data-table" data-testid="shadow-confusions">
          <thead>
            <tr>
              <th scope="col">{t('models.primary')}</th>
              <th scope="col">{t('models.shadow')}</th>
              <th scope="col">{t('models.count')}</th>
            </tr>
          </thead>
          <tbody>
            {confusion.map((pair) => (
              <tr key={JSON.stringify([pair.primaryTaxon, pair.shadowTaxon])}>
                <td>
                  <TaxonName taxon={pair.primaryTaxon} short />
                </td>
                <td>
                  <TaxonName taxon={pair.shadowTaxon} short />
                </td>
                <td>{pair.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h4 className="section-title">{t('models.disagreements')}</h4>
      {disagreements.length === 0 ? (
        <p className="muted">{t('models.noDifference')}</p>
      ) : (
        <table className="data-table" data-testid="shadow-disagreements">
          <thead>
            <tr>
              <th scope="col">{t('models.specimen')}</th>
              <th scope="col">{t('models.primary')}</th>
              <th scope="col">{t('models.shadow')}</th>
            </tr>
          </thead>
          <tbody>
            {disagreements.map((disagreement) => (
              <tr key={disagreement.specimenId} data-testid="shadow-disagreement">
                <td>
                  <Link to="/specimens/$id" params={{ id: disagreement.specimenId }} data-testid="shadow-disagreement-specimen">
                    {t('models.openSpecimen')}
                  </Link>
                </td>
                <td>
                  <Answer answer={disagreement.primary} />
                </td>
                <td>
                  <Answer answer={disagreement.shadow} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
