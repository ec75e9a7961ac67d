import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LabDetail } from '@contract';
import { useAddLabManager, useRemoveLabManager } from '../../api/organisation-queries';
import { ErrorMessage } from '../ErrorMessage';
import { Icon } from '../Icon';
import { PersonSearch } from '../PersonSearch';

/**
 * Who manages a lab, removable one by one, and a search for experts to add. Administrators manage every lab already,
 * so the search offers experts; the server refuses one whose scope does not hold the lab's unit, and says so.
 */
export function LabManagers({ lab }: { lab: LabDetail }) {
  const { t } = useTranslation();
  const [adding, setAdding] = useState(false);
  const add = useAddLabManager();
  const remove = useRemoveLabManager();
  return (
    <div className="lab-managers" data-testid="lab-managers">
      <span className="field-label">{t('organisation.managers')}</span>
      {lab.managers.length === 0 ? (
        <p className="muted small">{t('organisation.noManagers')}</p>
      ) : (
        <ul className="person-chosen">
          {lab.managers.map((manager) => (
            <li key={manager.id} className="badge" data-testid="lab-manager" data-username={manager.username}>
              {manager.displayName}{' '}
              <button
                type="button"
                className="btn btn-ghost btn-small"
                disabled={remove.isPending}
                onClick={() => remove.mutate({ labId: lab.id, userId: manager.id })}
                data-testid="lab-manager-remove"
              >
                <Icon name="close" label={t('organisation.removeManager', { name: manager.displayName })} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {adding ? (
        <PersonSearch
          role="expert"
          exclude={new Set(lab.managers.map((manager) => manager.id))}
          onPick={(people) => {
            for (const person of people) add.mutate({ labId: lab.id, userId: person.id });
          }}
          texts={{
            search: t('organisation.findManager'),
            matches: t('organisation.managerMatches'),
            noMatches: t('organisation.noManagerMatches'),
          }}
          testIdPrefix="lab-manager-candidate"
        />
      ) : (
        <button type="button" className="btn btn-secondary btn-small" onClick={() => setAdding(true)} data-testid="lab-manager-add">
          <Icon name="plus" /> {t('organisation.addManager')}
        </button>
      )}
      <ErrorMessage error={add.error ?? remove.error} testId="lab-managers-error" />
    </div>
  );
}
