import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CHILD_UNIT_LEVEL, type UnitNode } from '@contract';
import { useCreateUnit, useRenameUnit } from '../../api/organisation-queries';
import { useEnumLabel } from '../../enums';
import { unitName } from '../../format';
import { useLanguage } from '../../i18n';
import { codeOf } from '../../organisation';
import { ErrorMessage } from '../ErrorMessage';
import { CodeField, FormActions, NameFields, NO_NAMES, type Names } from './OrganisationFields';

interface Props {
  unit: UnitNode;
  onDone: () => void;
}

/** A unit under `unit`: its level follows from the parent's, its code stays as given. */
export function NewUnitForm({ unit, onDone }: Props) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const [code, setCode] = useState('');
  const [names, setNames] = useState<Names>(NO_NAMES);
  const create = useCreateUnit();
  const level = CHILD_UNIT_LEVEL[unit.level];
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ parentId: unit.id, code: codeOf(code), ...names }, { onSuccess: onDone });
  };
  return (
    <form className="card unit-form" onSubmit={onSubmit} data-testid="new-unit-form">
      <h3 className="card-title">
        {t('organisation.newUnit', { level: level ? enumLabel('unitLevel', level) : '', parent: unitName(unit, lng) })}
      </h3>
      <div className="form-grid">
        <CodeField value={code} onChange={setCode} testId="new-unit-code" />
        <NameFields names={names} onChange={setNames} testIdPrefix="new-unit" />
      </div>
      <FormActions pending={create.isPending} submitLabel={t('organisation.add')} onCancel={onDone} testIdPrefix="new-unit" />
      <ErrorMessage error={create.error} testId="new-unit-error" />
    </form>
  );
}

/** New names for `unit`; its code, level and place in the tree stay. */
export function RenameUnitForm({ unit, onDone }: Props) {
  const { t } = useTranslation();
  const [names, setNames] = useState<Names>({ nameZh: unit.nameZh, nameEn: unit.nameEn });
  const rename = useRenameUnit();
  const unchanged = names.nameZh === unit.nameZh && names.nameEn === unit.nameEn;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    rename.mutate({ id: unit.id, patch: names }, { onSuccess: onDone });
  };
  return (
    <form className="card unit-form" onSubmit={onSubmit} data-testid="rename-unit-form">
      <h3 className="card-title">{t('organisation.renameUnit', { code: unit.code })}</h3>
      <div className="form-grid">
        <NameFields names={names} onChange={setNames} testIdPrefix="rename-unit" />
      </div>
      <FormActions
        pending={rename.isPending}
        disabled={unchanged}
        submitLabel={t('common.save')}
        onCancel={onDone}
        testIdPrefix="rename-unit"
      />
      <ErrorMessage error={rename.error} testId="rename-unit-error" />
    </form>
  );
}
