import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Unit, UserAccount } from '@contract';
import { useUpdateUser } from '../../api/user-queries';
import { useEnumLabel } from '../../enums';
import { unitName } from '../../format';
import { useLanguage } from '../../i18n';
import { ErrorMessage } from '../ErrorMessage';
import { Icon } from '../Icon';
import { AccountEditor } from './AccountEditor';
import { PasswordResetForm } from './PasswordResetForm';

const COLUMNS = 6;

interface Props {
  account: UserAccount;
  units: readonly Unit[];
  /** The administrator's own account: it cannot be disabled from here (the server refuses it too). */
  isSelf: boolean;
}

/** One account in the table, with its actions; editing or resetting the password opens a row beneath it. */
export function UserAccountRow({ account, units, isSelf }: Props) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const toggle = useUpdateUser();
  const [open, setOpen] = useState<'edit' | 'password' | null>(null);
  const [passwordReset, setPasswordReset] = useState(false);
  const close = () => setOpen(null);
  const show = (form: 'edit' | 'password') => {
    setPasswordReset(false);
    setOpen(open === form ? null : form);
  };

  return (
    <>
      <tr data-testid="user-row" data-username={account.username} data-disabled={account.disabled}>
        <td>{account.displayName}</td>
        <td>
          <code>{account.username}</code>
        </td>
        <td>{enumLabel('role', account.role)}</td>
        <td>{unitName(account.unit, lng)}</td>
        <td>
          <span className={`badge badge-account-${account.disabled ? 'disabled' : 'active'}`} data-testid="user-state">
            {t(account.disabled ? 'users.disabled' : 'users.active')}
          </span>
        </td>
        <td>
          <div className="row-actions">
            <button
              type="button"
              className={`btn btn-small ${account.disabled ? 'btn-secondary' : 'btn-danger'}`}
              disabled={isSelf || toggle.isPending}
              title={isSelf ? t('users.notYourself') : undefined}
              onClick={() => toggle.mutate({ id: account.id, patch: { disabled: !account.disabled } })}
              data-testid="user-toggle-disabled"
            >
              <Icon name="power" /> {t(account.disabled ? 'users.enable' : 'users.disable')}
            </button>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              aria-expanded={open === 'edit'}
              onClick={() => show('edit')}
              data-testid="user-edit"
            >
              <Icon name="pen" /> {t('users.edit')}
            </button>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              aria-expanded={open === 'password'}
              onClick={() => show('password')}
              data-testid="user-reset-password"
            >
              <Icon name="key" /> {t('users.resetPassword')}
            </button>
          </div>
          {passwordReset && (
            <span className="muted small" role="status" data-testid="user-password-reset">
              {t('users.passwordWasReset')}
            </span>
          )}
          <ErrorMessage error={toggle.error} testId="user-toggle-error" />
        </td>
      </tr>
      {open && (
        <tr data-testid="user-row-form">
          <td colSpan={COLUMNS}>
            {open === 'edit' ? (
              <AccountEditor account={account} units={units} onDone={close} />
            ) : (
              <PasswordResetForm
                account={account}
                onCancel={close}
                onReset={() => {
                  close();
                  setPasswordReset(true);
                }}
              />
            )}
          </td>
        </tr>
      )}
    </>
  );
}
