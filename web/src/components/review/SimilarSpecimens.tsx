import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { similarSpecimensQuery } from '../../api/review-queries';
import { formatDateTime } from '../../format';
import { useLanguage } from '../../i18n';
import { ErrorMessage } from '../ErrorMessage';
import { TaxonById } from '../TaxonLabel';

/** Confirmed specimens of the AI's candidate taxa, to compare with: each photo opens at full size. */
export function SimilarSpecimens({ specimenId }: { specimenId: string }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { data, error, isPending } = useQuery(similarSpecimensQuery(specimenId));
  const items = data?.items ?? [];
  return (
    <section className="card" data-testid="similar-specimens">
      <h2 className="card-title">{t('review.similar')}</h2>
      <ErrorMessage error={error} />
      {isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : items.length === 0 ? (
        !error && <p className="muted">{t('review.noSimilar')}</p>
      ) : (
        <ul className="similar-grid">
          {items.map((similar) => (
            <li
              key={similar.specimenId}
              className="similar-item"
              data-testid="similar-specimen"
              data-specimen-id={similar.specimenId}
              data-taxon={similar.taxon}
            >
              <a href={similar.originalUrl} target="_blank" rel="noopener noreferrer" title={t('detail.openOriginal')}>
                <img src={similar.thumbnailUrl} alt="" loading="lazy" />
              </a>
              <div className="similar-caption">
                <TaxonById id={similar.taxon} />
                <span className="muted small">
                  <span className="port-code">{similar.port.code}</span> {formatDateTime(similar.collectedAt, lng)}
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
