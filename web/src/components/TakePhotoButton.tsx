import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from './Icon';

interface Props {
  onPick: (files: FileList | null) => void;
  disabled: boolean;
}

/**
 * Opens a phone's rear camera straight away (`capture`), the photo coming back as a picked file; shown on touch
 * screens and narrow windows, where a computer would only open the same file picker as "Choose files".
 */
export function TakePhotoButton({ onPick, disabled }: Props) {
  const { t } = useTranslation();
  const inputId = useId();
  return (
    <>
      <label htmlFor={inputId} className={`btn btn-primary take-photo${disabled ? ' is-disabled' : ''}`} data-testid="take-photo">
        <Icon name="camera" /> {t('field.takePhoto')}
      </label>
      <input
        id={inputId}
        className="visually-hidden"
        type="file"
        accept="image/*"
        capture="environment"
        disabled={disabled}
        data-testid="camera-input"
        onChange={(e) => {
          onPick(e.currentTarget.files);
          e.currentTarget.value = ''; // the next photo may come back with the same name
        }}
      />
    </>
  );
}
