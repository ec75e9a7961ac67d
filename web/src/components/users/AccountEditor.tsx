import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role, Unit, UserAccount, UserAccountPatch } from '@contract';
import { useUpdateUser } from '../../api/user-queries';
import { ErrorMessage } from '../ErrorMessage';
import { Field } from '../Field';
import { EnumSelect, UnitSelect } from '../Select';

/** What the form changes of the account: only the fields that differ from it. */
function patchOf(account: UserAccount, draft: { displayName: string; role: Role; unitId: string }): UserAccountPatch {
  return {
    ...(draft.displayName.trim() !== account.displayName ? { displayName: draft.displayName } : {}),
    ...(draft.role !== account.role ? { role: draft.role } : {}),
    ...(draft.unitId !== account.unitId ? { unitId: draft.unitId } : {}),
  };
}

/** An account's name, role and unit, saved together; a new role or unit ends the person's sessions. */
export function AccountEditor({ account, units, onDone }: { account: UserAccount; units: readonly Unit[]; onDone: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateUser();
  const [displayName, setDisplayName] = useState(account.displayName);
  const [role, setRole] = useState<Role>(account.role);
  const [unitId, setUnitId] = useState(account.unitId);
  const patch = patchOf(account, { displayName, role, unitId });
  const changed = Object.keys(patch).length > 0;

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (changed && !update.isPending) update.mutate({ id: account.id, patch }, { onSuccess: onDone });
  }

  return (
    <form onSubmit={onSubmit} aria-label={t('users.edit')} data-testid="user-editor">
      <div className="form-grid">
        <Field label={t('users.displayName')}>
          <input
            type="text"
            value={displayName}
            maxLength={100}
            onChange={(event) => setDisplayName(event.target.value)}
            data-testid="user-edit-display-name"
            required
          />
        </Field>
        <Field label={t('users.role')}>
          <EnumSelect kind="role" value={role} onChange={setRole} testId="user-edit-role" />
        </Field>
        <Field label={t('users.unit')}>
          <UnitSelect units={units} value={unitId} onChange={setUnitId} testId="user-edit-unit" />
        </Field>
      </div>
      <p className="hint">{t('users.sessionsEnd')}</p>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={!changed || update.isPending} data-testid="user-edit-save">
          {update.isPending ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={onDone}>
          {t('users.cancel')}
        </button>
      </div>
      <ErrorMessage error={update.error} testId="user-edit-error" />
    </form>
  );
}
