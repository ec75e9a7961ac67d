import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LATITUDE_RANGE, LONGITUDE_RANGE, type Port, type UnitNode } from '@contract';
import { useCreatePort, useUpdatePort } from '../../api/organisation-queries';
import { unitName } from '../../format';
import { useLanguage } from '../../i18n';
import { codeOf, EMPTY_PORT_DRAFT, portDraftOf, positionOf, type PortDraft } from '../../organisation';
import { ErrorMessage } from '../ErrorMessage';
import { Field } from '../Field';
import { EnumSelect } from '../Select';
import { CodeField, FormActions, NameFields } from './OrganisationFields';

interface Props {
  unit: UnitNode;
  /** The port to edit; a new one of `unit` when left out. */
  port?: Port;
  onDone: () => void;
}

/** A new port of a unit, or a port's names, type and position (its code and unit stay). */
export function PortForm({ unit, port, onDone }: Props) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const [draft, setDraft] = useState<PortDraft>(() => (port ? portDraftOf(port) : EMPTY_PORT_DRAFT));
  const create = useCreatePort();
  const update = useUpdatePort();
  const saving = port ? update : create;
  const position = positionOf(draft);
  const change = (patch: Partial<PortDraft>) => setDraft((current) => ({ ...current, ...patch }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (position.kind !== 'ok') return;
    const { nameZh, nameEn, type } = draft;
    const fields = { nameZh, nameEn, type, longitude: position.longitude, latitude: position.latitude };
    if (port) update.mutate({ id: port.id, patch: fields }, { onSuccess: onDone });
    else create.mutate({ unitId: unit.id, code: codeOf(draft.code), ...fields }, { onSuccess: onDone });
  };
  const coordinate = (field: 'longitude' | 'latitude', range: { minimum: number; maximum: number }) => (
    <Field label={t(`organisation.${field}`)} required>
      <input
        type="number"
        step="any"
        min={range.minimum}
        max={range.maximum}
        value={draft[field]}
        onChange={(event) => change({ [field]: event.target.value })}
        aria-invalid={draft[field] !== '' && position.kind !== 'ok'}
        required
        data-testid={`port-${field}`}
      />
    </Field>
  );

  return (
    <form className="card unit-form" onSubmit={onSubmit} data-testid="port-form">
      <h3 className="card-title">
        {port ? t('organisation.editPort', { code: port.code }) : t('organisation.newPort', { unit: unitName(unit, lng) })}
      </h3>
      <div className="form-grid">
        {!port && <CodeField value={draft.code} onChange={(code) => change({ code })} testId="port-code" />}
        <NameFields names={draft} onChange={change} testIdPrefix="port" />
        <Field label={t('organisation.portType')} required>
          <EnumSelect kind="portType" value={draft.type} onChange={(type) => change({ type })} required testId="port-type" />
        </Field>
        {coordinate('longitude', LONGITUDE_RANGE)}
        {coordinate('latitude', LATITUDE_RANGE)}
      </div>
      {draft.longitude !== '' && draft.latitude !== '' && position.kind !== 'ok' && (
        <p className="field-warning small">{t('organisation.offGlobe')}</p>
      )}
      <FormActions
        pending={saving.isPending}
        disabled={position.kind !== 'ok'}
        submitLabel={port ? t('common.save') : t('organisation.add')}
        onCancel={onDone}
        testIdPrefix="port"
      />
      <ErrorMessage error={saving.error} testId="port-error" />
    </form>
  );
}
