import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LabDetail, UnitNode } from '@contract';
import { useUpdateLab } from '../../api/organisation-queries';
import { unitName } from '../../format';
import { useLanguage } from '../../i18n';
import { ErrorMessage } from '../ErrorMessage';
import { Icon } from '../Icon';
import { LabForm } from './LabForm';
import { LabManagers } from './LabManagers';

/** One laboratory of a unit: in service or not (switched at once), its edit form on demand, and its managers. */
export function LabItem({ unit, lab }: { unit: UnitNode; lab: LabDetail }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const [editing, setEditing] = useState(false);
  const { mutate, isPending, error, variables } = useUpdateLab();
  // While the change is on its way, the box shows what was asked for.
  const active = (isPending ? variables.patch.active : undefined) ?? lab.active;
  return (
    <li className="org-item lab-item" data-testid="lab-item" data-lab-id={lab.id} data-active={lab.active}>
      <div className="org-head">
        <span className="badge">{t('organisation.lab')}</span>
        <strong>{unitName(lab, lng)}</strong>
        {lab.address && <span className="muted small">{lab.address}</span>}
        <label className="field-check">
          <input
            type="checkbox"
            checked={active}
            disabled={isPending}
            onChange={(event) => mutate({ id: lab.id, patch: { active: event.target.checked } })}
            data-testid="lab-active"
          />
          <span>{t('organisation.inService')}</span>
        </label>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          aria-expanded={editing}
          onClick={() => setEditing((open) => !open)}
          data-testid="lab-edit"
        >
          <Icon name="pen" /> {t('organisation.edit')}
        </button>
      </div>
      <ErrorMessage error={error} />
      {editing && <LabForm unit={unit} lab={lab} onDone={() => setEditing(false)} />}
      <LabManagers lab={lab} />
    </li>
  );
}
