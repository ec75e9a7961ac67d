import { useTranslation } from 'react-i18next';
import { ProgressBar } from './ProgressBar';

interface Props {
  /** 0–100 */
  value: number;
  testId: string;
  /** While the upload runs: the way out of it (the form stays as it is). */
  onCancel?: (() => void) | undefined;
}

/** How far an upload got, with a Cancel button while it runs. */
export function UploadProgress({ value, testId, onCancel }: Props) {
  const { t } = useTranslation();
  return (
    <div className="upload-progress">
      <ProgressBar value={value} label={t('submit.progress')} testId={testId} />
      {onCancel && (
        <button type="button" className="btn btn-small btn-secondary" onClick={onCancel} data-testid={`${testId}-cancel`}>
          {t('upload.cancel')}
        </button>
      )}
    </div>
  );
}
