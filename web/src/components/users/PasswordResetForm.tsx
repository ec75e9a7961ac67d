import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PASSWORD_MIN_LENGTH, type UserAccount } from '@contract';
import { useUpdateUser } from '../../api/user-queries';
import { ErrorMessage } from '../ErrorMessage';
import { Field } from '../Field';
import { NewPasswordInput } from './NewPasswordInput';

/** The administrator sets a new password for the person (who is signed out everywhere) and tells it to them. */
export function PasswordResetForm({ account, onReset, onCancel }: { account: UserAccount; onReset: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateUser();
  const [password, setPassword] = useState('');

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (!update.isPending) update.mutate({ id: account.id, patch: { password } }, { onSuccess: onReset });
  }

  return (
    <form onSubmit={onSubmit} aria-label={t('users.resetPassword')} data-testid="user-password-form">
      <Field label={t('users.newPassword', { name: account.displayName })} layout="inline">
        <NewPasswordInput value={password} onChange={setPassword} testId="user-password-input" />
      </Field>
      <p className="hint">{t('users.passwordRule', { count: PASSWORD_MIN_LENGTH })}</p>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={update.isPending} data-testid="user-password-save">
          {update.isPending ? t('common.saving') : t('users.resetPassword')}
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={onCancel}>
          {t('users.cancel')}
        </button>
      </div>
      <ErrorMessage error={update.error} testId="user-password-error" />
    </form>
  );
}
