import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { BankLookAlike } from '@contract';
import { TaxonLabel } from '../TaxonLabel';

/** The taxa people mistake this one for, side by side: how often, a few photos, each leading to its own entry. */
export function LookAlikes({ lookAlikes }: { lookAlikes: readonly BankLookAlike[] }) {
  const { t } = useTranslation();
  return (
    <section className="card bank-look-alikes" data-testid="bank-look-alikes">
      <h2 className="card-title">{t('bank.lookAlikes')}</h2>
      {lookAlikes.length === 0 ? (
        <p className="muted">{t('bank.noLookAlikes')}</p>
      ) : (
        <ul className="bank-look-alike-list">
          {lookAlikes.map((lookAlike) => (
            <li key={lookAlike.taxon.id} className="bank-look-alike" data-testid="bank-look-alike" data-taxon={lookAlike.taxon.id}>
              <Link to="/bank/$taxonId" params={{ taxonId: lookAlike.taxon.id }} data-testid="bank-look-alike-link">
                <TaxonLabel taxon={lookAlike.taxon} />
              </Link>
              <span className="muted small">
                {[
                  lookAlike.confusions > 0 ? t('bank.confusions', { count: lookAlike.confusions }) : null,
                  lookAlike.sibling ? t('bank.sibling') : null,
                  t('bank.specimenCount', { count: lookAlike.specimens }),
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
              {lookAlike.photos.length > 0 && (
                <ul className="similar-grid">
                  {lookAlike.photos.map((photo) => (
                    <li key={photo.specimenId} className="similar-item">
                      <a href={photo.image.originalUrl} target="_blank" rel="noopener noreferrer" title={t('detail.openOriginal')}>
                        <img src={photo.image.thumbnailUrl} alt="" loading="lazy" />
                      </a>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
