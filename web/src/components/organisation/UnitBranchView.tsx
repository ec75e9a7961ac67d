import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LabDetail } from '@contract';
import { useEnumLabel } from '../../enums';
import { unitName } from '../../format';
import { useLanguage } from '../../i18n';
import { takesChildUnits, type UnitBranch } from '../../organisation';
import { Icon, type IconName } from '../Icon';
import { LabForm } from './LabForm';
import { LabItem } from './LabItem';
import { PortForm } from './PortForm';
import { PortItem } from './PortItem';
import { NewUnitForm, RenameUnitForm } from './UnitForms';

type OpenForm = 'rename' | 'unit' | 'port' | 'lab';

interface Props {
  branch: UnitBranch;
  labsByUnit: ReadonlyMap<string, LabDetail[]>;
}

/** One unit of the tree with its ports, its labs and the units under it; one of its forms open at a time. */
export function UnitBranchView({ branch, labsByUnit }: Props) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const [open, setOpen] = useState<OpenForm | null>(null);
  const { unit, children } = branch;
  const labs = labsByUnit.get(unit.id) ?? [];
  const close = () => setOpen(null);
  const action = (form: OpenForm, icon: IconName, label: string) => (
    <button
      type="button"
      className="btn btn-ghost btn-small"
      aria-expanded={open === form}
      onClick={() => setOpen((current) => (current === form ? null : form))}
      data-testid={`unit-action-${form}`}
    >
      <Icon name={icon} /> {label}
    </button>
  );

  return (
    <li className="unit-node" data-testid="unit-node" data-unit-code={unit.code} data-level={unit.level}>
      <div className="org-head unit-head">
        <span className="badge">{enumLabel('unitLevel', unit.level)}</span>
        <strong data-testid="unit-name">{unitName(unit, lng)}</strong>
        <span className="port-code">{unit.code}</span>
        {unit.administered && (
          <span className="org-actions">
            {action('rename', 'pen', t('organisation.rename'))}
            {takesChildUnits(unit) && action('unit', 'plus', t('organisation.addUnit'))}
            {action('port', 'plus', t('organisation.addPort'))}
            {action('lab', 'plus', t('organisation.addLab'))}
          </span>
        )}
      </div>
      {open === 'rename' && <RenameUnitForm unit={unit} onDone={close} />}
      {open === 'unit' && <NewUnitForm unit={unit} onDone={close} />}
      {open === 'port' && <PortForm unit={unit} onDone={close} />}
      {open === 'lab' && <LabForm unit={unit} onDone={close} />}
      {(unit.ports.length > 0 || labs.length > 0) && (
        <ul className="org-items">
          {unit.ports.map((port) => (
            <PortItem key={port.id} unit={unit} port={port} />
          ))}
          {labs.map((lab) => (
            <LabItem key={lab.id} unit={unit} lab={lab} />
          ))}
        </ul>
      )}
      {children.length > 0 && (
        <ul className="unit-children">
          {children.map((child) => (
            <UnitBranchView key={child.unit.id} branch={child} labsByUnit={labsByUnit} />
          ))}
        </ul>
      )}
    </li>
  );
}
