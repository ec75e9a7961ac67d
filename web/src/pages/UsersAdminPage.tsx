import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '@contract';
import { ACCOUNTS_SHOWN, administeredUnitsQuery, userAccountsQuery } from '../api/user-queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { ListBody } from '../components/ListBody';
import { Field } from '../components/Field';
import { Icon } from '../components/Icon';
import { EnumSelect, Select } from '../components/Select';
import { NewUserForm } from '../components/users/NewUserForm';
import { UserAccountRow } from '../components/users/UserAccountRow';
import { useCurrentUser } from '../current-user';
import { useDebounced } from '../use-debounced';

const SEARCH_DELAY_MS = 250;

type State = '' | 'active' | 'disabled';

/** `#/admin/users` (administrators): the accounts of their units, searched; new ones made; each disabled, edited, reset. */
export function UsersAdminPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const [text, setText] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [state, setState] = useState<State>('');
  const [creating, setCreating] = useState(false);
  const q = useDebounced(text.trim(), SEARCH_DELAY_MS);
  const query = {
    q: q || undefined,
    role: role || undefined,
    disabled: state === '' ? undefined : state === 'disabled',
    limit: ACCOUNTS_SHOWN,
  };
  const { data, error, isPending, isPlaceholderData: loading, refetch } = useQuery(userAccountsQuery(query));
  const units = useQuery(administeredUnitsQuery);
  const items = data?.items ?? [];
  const stateOptions = [
    { value: 'active' as const, label: t('users.active') },
    { value: 'disabled' as const, label: t('users.disabled') },
  ];

  return (
    <section className="page" data-testid="users-admin-page">
      <div className="page-head">
        <h1 className="page-title">{t('users.title')}</h1>
        <button
          type="button"
          className="btn btn-primary"
          aria-expanded={creating}
          onClick={() => setCreating(!creating)}
          data-testid="new-user-toggle"
        >
          <Icon name={creating ? 'close' : 'plus'} /> {t('users.newAccount')}
        </button>
      </div>
      <ErrorMessage error={units.error} onRetry={() => void units.refetch()} />
      {creating && units.data && <NewUserForm units={units.data} />}
      <form className="card filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <Field label={t('users.search')}>
          <input
            type="search"
            value={text}
            placeholder={t('users.searchPlaceholder')}
            onChange={(event) => setText(event.target.value)}
            data-testid="users-search"
          />
        </Field>
        <Field label={t('users.role')}>
          <EnumSelect kind="role" value={role} placeholder={t('common.any')} onChange={setRole} testId="users-role" />
        </Field>
        <Field label={t('users.state')}>
          <Select<State> options={stateOptions} value={state} placeholder={t('common.any')} onChange={setState} testId="users-state" />
        </Field>
      </form>
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      <ListBody
        pending={isPending}
        error={error}
        empty={items.length === 0}
        emptyText={t('users.noMatch')}
        emptyTestId="users-empty"
        loading={loading}
      >
        <table className="data-table" data-testid="users-table">
          <thead>
            <tr>
              <th scope="col">{t('users.displayName')}</th>
              <th scope="col">{t('users.username')}</th>
              <th scope="col">{t('users.role')}</th>
              <th scope="col">{t('users.unit')}</th>
              <th scope="col">{t('users.state')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {items.map((account) => (
              <UserAccountRow key={account.id} account={account} units={units.data ?? []} isSelf={account.id === me.id} />
            ))}
          </tbody>
        </table>
      </ListBody>
      {data && data.total > items.length && <p className="hint">{t('users.more', { shown: items.length, total: data.total })}</p>}
    </section>
  );
}
