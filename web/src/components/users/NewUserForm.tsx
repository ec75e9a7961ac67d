import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PASSWORD_MIN_LENGTH, type Role, type Unit } from '@contract';
import { useCreateUser } from '../../api/user-queries';
import { ErrorMessage } from '../ErrorMessage';
import { Field } from '../Field';
import { NewPasswordInput } from './NewPasswordInput';
import { EnumSelect, UnitSelect } from '../Select';

/** A new account in one of the units the administrator manages; it may sign in at once with the password given. */
export function NewUserForm({ units }: { units: readonly Unit[] }) {
  const { t } = useTranslation();
  const createUser = useCreateUser();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('staff');
  const [unitId, setUnitId] = useState('');
  const [created, setCreated] = useState<string | null>(null);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (createUser.isPending) return;
    setCreated(null);
    createUser.mutate(
      { username: username.trim(), displayName, password, role, unitId },
      {
        onSuccess: (account) => {
          setCreated(account.username);
          setUsername('');
          setDisplayName('');
          setPassword('');
        },
      },
    );
  }

  return (
    <form className="card" onSubmit={onSubmit} aria-label={t('users.newAccount')} data-testid="new-user-form">
      <h2 className="card-title">{t('users.newAccount')}</h2>
      <div className="form-grid">
        <Field label={t('users.username')} required>
          <input
            type="text"
            value={username}
            maxLength={64}
            autoComplete="off"
            onChange={(event) => setUsername(event.target.value)}
            data-testid="new-user-username"
            required
          />
        </Field>
        <Field label={t('users.displayName')} required>
          <input
            type="text"
            value={displayName}
            maxLength={100}
            onChange={(event) => setDisplayName(event.target.value)}
            data-testid="new-user-display-name"
            required
          />
        </Field>
        <Field label={t('users.password')} required>
          <NewPasswordInput value={password} onChange={setPassword} testId="new-user-password" />
        </Field>
        <Field label={t('users.role')} required>
          <EnumSelect kind="role" value={role} onChange={setRole} testId="new-user-role" required />
        </Field>
        <Field label={t('users.unit')} required>
          <UnitSelect
            units={units}
            value={unitId}
            placeholder={t('common.pleaseSelect')}
            onChange={setUnitId}
            testId="new-user-unit"
            required
          />
        </Field>
      </div>
      <p className="hint">{t('users.rules', { count: PASSWORD_MIN_LENGTH })}</p>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={createUser.isPending} data-testid="new-user-submit">
          {createUser.isPending ? t('common.saving') : t('users.create')}
        </button>
        {created && (
          <span className="muted" role="status" data-testid="new-user-created">
            {t('users.created', { username: created })}
          </span>
        )}
      </div>
      <ErrorMessage error={createUser.error} testId="new-user-error" />
    </form>
  );
}
