import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LAB_ADDRESS_MAX_LENGTH, type LabDetail, type UnitNode } from '@contract';
import { useCreateLab, useUpdateLab } from '../../api/organisation-queries';
import { unitName } from '../../format';
import { useLanguage } from '../../i18n';
import { ErrorMessage } from '../ErrorMessage';
import { Field } from '../Field';
import { FormActions, NameFields, NO_NAMES, type Names } from './OrganisationFields';

interface Props {
  unit: UnitNode;
  /** The lab to edit; a new one of `unit` when left out. */
  lab?: LabDetail;
  onDone: () => void;
}

/** A new laboratory of a unit, or a lab's names and address. */
export function LabForm({ unit, lab, onDone }: Props) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const [names, setNames] = useState<Names>(lab ? { nameZh: lab.nameZh, nameEn: lab.nameEn } : NO_NAMES);
  const [address, setAddress] = useState(lab?.address ?? '');
  const create = useCreateLab();
  const update = useUpdateLab();
  const saving = lab ? update : create;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const fields = { ...names, address: address.trim() === '' ? null : address.trim() };
    if (lab) update.mutate({ id: lab.id, patch: fields }, { onSuccess: onDone });
    else create.mutate({ unitId: unit.id, ...fields }, { onSuccess: onDone });
  };
  return (
    <form className="card unit-form" onSubmit={onSubmit} data-testid="lab-form">
      <h3 className="card-title">{lab ? t('organisation.editLab') : t('organisation.newLab', { unit: unitName(unit, lng) })}</h3>
      <div className="form-grid">
        <NameFields names={names} onChange={setNames} testIdPrefix="lab" />
        <Field label={t('organisation.address')} layout="wide">
          <input
            type="text"
            value={address}
            onChange={(event) => setAddress(event.target.value)}
            maxLength={LAB_ADDRESS_MAX_LENGTH}
            data-testid="lab-address"
          />
        </Field>
      </div>
      <FormActions
        pending={saving.isPending}
        submitLabel={lab ? t('common.save') : t('organisation.add')}
        onCancel={onDone}
        testIdPrefix="lab"
      />
      <ErrorMessage error={saving.error} testId="lab-error" />
    </form>
  );
}
