import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Port, UnitNode } from '@contract';
import { useEnumLabel } from '../../enums';
import { portName } from '../../format';
import { useLanguage } from '../../i18n';
import { Icon } from '../Icon';
import { PortForm } from './PortForm';

/** One port of a unit: code, name, type and position, and its edit form on demand. */
export function PortItem({ unit, port }: { unit: UnitNode; port: Port }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const [editing, setEditing] = useState(false);
  return (
    <li className="org-item" data-testid="port-item" data-port-code={port.code}>
      <div className="org-head">
        <span className="port-code">{port.code}</span>
        <span>{portName(port, lng)}</span>
        <span className="muted small">
          {enumLabel('portType', port.type)} · {port.longitude}, {port.latitude}
        </span>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          aria-expanded={editing}
          onClick={() => setEditing((open) => !open)}
          data-testid="port-edit"
        >
          <Icon name="pen" /> {t('organisation.edit')}
        </button>
      </div>
      {editing && <PortForm unit={unit} port={port} onDone={() => setEditing(false)} />}
    </li>
  );
}
