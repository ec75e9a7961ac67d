import { useTranslation } from 'react-i18next';
import type { SpecimenIdentification } from '@contract';
import { useLanguage } from '../i18n';
import { formatPercent } from '../identification';
import { LevelTag } from './CommittedLevel';
import { TaxonName } from './TaxonName';

/** The automatic identification in a table cell: spinner while pending, the level committed to, taxon and confidence when done. */
export function IdentificationBadge({ identification }: { identification: SpecimenIdentification | null }) {
  const { t } = useTranslation();
  const lng = useLanguage();

  if (!identification) {
    return (
      <span className="muted" data-testid="specimen-identification" data-status="none">
        {t('common.none')}
      </span>
    );
  }
  if (identification.status === 'pending') {
    return (
      <span className="id-badge id-badge-pending" data-testid="specimen-identification" data-status="pending">
        <span className="spinner spinner-small" aria-hidden="true" />
        {t('identification.listPending')}
      </span>
    );
  }
  if (identification.status === 'failed') {
    return (
      <span
        className="id-badge id-badge-failed"
        data-testid="specimen-identification"
        data-status="failed"
        title={identification.error ?? undefined}
      >
        {t('identification.listFailed')}
      </span>
    );
  }
  const taxon = identification.taxon ?? 'unknown';
  const rejected = identification.rejected === true;
  return (
    <span
      className={`id-badge${rejected ? ' id-badge-rejected' : ''}`}
      data-testid="specimen-identification"
      data-status="done"
      data-taxon={taxon}
    >
      <LevelTag answer={identification} />
      <TaxonName taxon={taxon} rejected={rejected} short />
      {identification.confidence !== null && (
        <span className="id-badge-confidence" data-testid="specimen-identification-confidence" title={t('identification.confidence')}>
          {formatPercent(identification.confidence, lng)}
        </span>
      )}
    </span>
  );
}
