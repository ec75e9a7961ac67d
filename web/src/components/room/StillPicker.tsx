import { useTranslation } from 'react-i18next';
import type { SpecimenImage } from '@contract';

/** The specimen's photos to share as the room's still. */
export function StillPicker({
  images,
  onPick,
  onCancel,
}: {
  images: SpecimenImage[];
  onPick: (imageId: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="card still-picker" data-testid="still-picker">
      <h2 className="card-title">{t('room.still.pick')}</h2>
      <p className="muted small">{t('room.still.pickHint')}</p>
      {images.length === 0 ? (
        <p className="muted">{t('room.still.noImages')}</p>
      ) : (
        <ul className="gallery">
          {images.map((image) => (
            <li key={image.id} className="gallery-item">
              <button
                type="button"
                className="still-option"
                onClick={() => onPick(image.id)}
                data-testid="still-option"
                data-image-id={image.id}
              >
                <img src={image.thumbnailUrl} alt={image.originalFilename ?? ''} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="btn btn-ghost" onClick={onCancel}>
        {t('room.still.cancel')}
      </button>
    </div>
  );
}
