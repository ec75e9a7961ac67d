// The fields and buttons the organisation's forms share: a code, the two names, and add/save beside cancel.
import { useTranslation } from 'react-i18next';
import { ORGANISATION_CODE_MAX_LENGTH, ORGANISATION_CODE_PATTERN, ORGANISATION_NAME_MAX_LENGTH } from '@contract';
import { Field } from '../Field';

export interface Names {
  nameZh: string;
  nameEn: string;
}

export const NO_NAMES: Names = { nameZh: '', nameEn: '' };

/** A unit's or port's code, in capitals as typed; fixed once created. */
export function CodeField({ value, onChange, testId }: { value: string; onChange: (code: string) => void; testId: string }) {
  const { t } = useTranslation();
  return (
    <Field label={t('organisation.code')} required>
      <input
        type="text"
        value={value}
        onChange={(event) => onChange(event.target.value.toUpperCase())}
        required
        pattern={ORGANISATION_CODE_PATTERN}
        maxLength={ORGANISATION_CODE_MAX_LENGTH}
        title={t('organisation.codeHint')}
        autoComplete="off"
        data-testid={testId}
      />
    </Field>
  );
}

/** The Chinese and English names; `<prefix>-name-zh`, `<prefix>-name-en` as test ids. */
export function NameFields({ names, onChange, testIdPrefix }: { names: Names; onChange: (names: Names) => void; testIdPrefix: string }) {
  const { t } = useTranslation();
  return (
    <>
      <Field label={t('organisation.nameZh')} required>
        <input
          type="text"
          lang="zh-CN"
          value={names.nameZh}
          onChange={(event) => onChange({ ...names, nameZh: event.target.value })}
          required
          maxLength={ORGANISATION_NAME_MAX_LENGTH}
          data-testid={`${testIdPrefix}-name-zh`}
        />
      </Field>
      <Field label={t('organisation.nameEn')} required>
        <input
          type="text"
          lang="en"
          value={names.nameEn}
          onChange={(event) => onChange({ ...names, nameEn: event.target.value })}
          required
          maxLength={ORGANISATION_NAME_MAX_LENGTH}
          data-testid={`${testIdPrefix}-name-en`}
        />
      </Field>
    </>
  );
}

/** Submit (`<prefix>-submit`) and cancel (`<prefix>-cancel`). */
export function FormActions({
  pending,
  submitLabel,
  disabled = false,
  onCancel,
  testIdPrefix,
}: {
  pending: boolean;
  submitLabel: string;
  disabled?: boolean;
  onCancel: () => void;
  testIdPrefix: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="form-actions">
      <button type="submit" className="btn btn-primary" disabled={pending || disabled} data-testid={`${testIdPrefix}-submit`}>
        {pending ? t('common.saving') : submitLabel}
      </button>
      <button type="button" className="btn btn-ghost" onClick={onCancel} data-testid={`${testIdPrefix}-cancel`}>
        {t('organisation.cancel')}
      </button>
    </div>
  );
}
