import { useTranslation } from 'react-i18next';
import type { BankSpecimen } from '@contract';
import { useEnumLabel } from '../../enums';
import { formatDateTime } from '../../format';
import { useLanguage } from '../../i18n';
import { AnnotatedStill } from './AnnotatedStill';
import { TeachingMarkControls } from './TeachingMarkControls';

interface Props {
  specimen: BankSpecimen;
  /** Experts and administrators: the mark buttons. */
  canMark: boolean;
}

/** One confirmed specimen of a taxon's entry: its photos, the experts' notes, the consultations' stills, its mark. */
export function BankSpecimenCard({ specimen, canMark }: Props) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const { mark } = specimen;
  return (
    <article
      className={`card bank-specimen${mark?.mark === 'hidden' ? ' is-hidden' : ''}`}
      data-testid="bank-specimen"
      data-specimen-id={specimen.id}
      data-mark={mark?.mark ?? ''}
    >
      <header className="bank-specimen-head">
        {mark && (
          <span className={`badge bank-mark-${mark.mark}`} data-testid="bank-mark" title={mark.note ?? undefined}>
            {t(`bank.marks.${mark.mark}`)}
          </span>
        )}
        <span>
          <span className="port-code">{specimen.port.code}</span> {lng === 'zh' ? specimen.port.nameZh : specimen.port.nameEn}
        </span>
        <span className="muted small">{t('bank.collected', { at: formatDateTime(specimen.collectedAt, lng) })}</span>
        {specimen.lifeStage && <span className="muted small">{enumLabel('lifeStage', specimen.lifeStage)}</span>}
      </header>
      {mark?.note && (
        <p className="small" data-testid="bank-mark-note-text">
          {t('bank.markedBy', { name: mark.markedBy.displayName, note: mark.note })}
        </p>
      )}
      <ul className="similar-grid">
        {specimen.images.map((image) => (
          <li key={image.id} className="similar-item">
            <a href={image.originalUrl} target="_blank" rel="noopener noreferrer" title={t('detail.openOriginal')}>
              <img src={image.thumbnailUrl} alt="" loading="lazy" data-testid="bank-photo" />
            </a>
          </li>
        ))}
      </ul>
      {specimen.expertNotes.length > 0 && (
        <ul className="bank-notes" data-testid="bank-notes">
          {specimen.expertNotes.map((note) => (
            <li key={`${note.author.id}-${note.at}`}>
              <blockquote>{note.notes}</blockquote>
              <span className="muted small">
                {note.author.displayName}, {formatDateTime(note.at, lng)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {specimen.stills.map((still) => (
        <AnnotatedStill key={`${still.roomId}-${still.sharedAt}`} still={still} />
      ))}
      {canMark && <TeachingMarkControls specimen={specimen} />}
    </article>
  );
}
