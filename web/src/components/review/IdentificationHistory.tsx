import { useTranslation } from 'react-i18next';
import type { IdentificationHistoryEntry } from '@contract';
import { formatDateTime } from '../../format';
import { useLanguage } from '../../i18n';
import { formatPercent } from '../../identification';
import { TaxonById } from '../TaxonLabel';
import { TaxonName } from '../TaxonName';

/** Every identification of the specimen, newest first: the AI's answers and the experts'. */
export function IdentificationHistory({ entries }: { entries: readonly IdentificationHistoryEntry[] }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  if (entries.length === 0) return null;
  return (
    <ul className="history" data-testid="identification-history">
      {entries.map((entry) => (
        <li key={entry.id} className="history-item" data-testid="identification-history-entry" data-source={entry.source}>
          <span className={`badge badge-source-${entry.source}`}>{t(`review.source.${entry.source}`)}</span>{' '}
          {entry.rejected ? <TaxonName taxon={entry.taxon} rejected /> : <TaxonById id={entry.taxon} />}
          {entry.confidence !== null && <span className="muted small"> {formatPercent(entry.confidence, lng)}</span>}
          <div className="muted small">
            {[entry.author?.displayName ?? entry.model, formatDateTime(entry.createdAt, lng)].filter(Boolean).join(' · ')}
          </div>
          {entry.notes && <p className="pre-wrap small">{entry.notes}</p>}
        </li>
      ))}
    </ul>
  );
}
