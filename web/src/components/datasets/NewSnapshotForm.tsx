import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DatasetSnapshotDetail, SnapshotFilters, Taxon } from '@contract';
import { useCreateSnapshot } from '../../api/dataset-queries';
import { unitsQuery } from '../../api/organisation-queries';
import { unitName } from '../../format';
import { useLanguage } from '../../i18n';
import { DateRangeFields } from '../DateRangeFields';
import { ErrorMessage } from '../ErrorMessage';
import { Field } from '../Field';
import { Icon } from '../Icon';
import { TaxonLabel } from '../TaxonLabel';
import { TaxonPicker } from '../TaxonPicker';

/** The filters as the form holds them: taxa picked by name, units by id, days as yyyy-mm-dd. */
interface Draft {
  name: string;
  taxa: readonly Taxon[];
  units: readonly string[];
  from: string | undefined;
  to: string | undefined;
}

const EMPTY: Draft = { name: '', taxa: [], units: [], from: undefined, to: undefined };

function filtersOf(draft: Draft): SnapshotFilters {
  return {
    ...(draft.taxa.length > 0 ? { taxa: draft.taxa.map((taxon) => taxon.id) } : {}),
    ...(draft.units.length > 0 ? { units: [...draft.units] } : {}),
    ...(draft.from ? { from: draft.from } : {}),
    ...(draft.to ? { to: draft.to } : {}),
  };
}

/**
 * Takes a snapshot of the confirmed specimens: a name never used before and, optionally, taxa (each with the taxa
 * below it), units (each with the units under it) and the days they were confirmed.
 */
export function NewSnapshotForm({ onCreated }: { onCreated: (snapshot: DatasetSnapshotDetail) => void }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const units = useQuery(unitsQuery);
  const create = useCreateSnapshot();
  const [draft, setDraft] = useState<Draft>(EMPTY);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (create.isPending) return;
    create.mutate(
      { name: draft.name.trim(), filters: filtersOf(draft) },
      {
        onSuccess: (snapshot) => {
          setDraft(EMPTY);
          onCreated(snapshot);
        },
      },
    );
  }

  function addTaxon(taxon: Taxon | null): void {
    if (taxon && !draft.taxa.some((chosen) => chosen.id === taxon.id)) setDraft({ ...draft, taxa: [...draft.taxa, taxon] });
  }

  function toggleUnit(id: string, on: boolean): void {
    setDraft({ ...draft, units: on ? [...draft.units, id] : draft.units.filter((chosen) => chosen !== id) });
  }

  return (
    <form className="card form-grid" onSubmit={onSubmit} aria-label={t('datasets.new')} data-testid="new-snapshot">
      <h2 className="card-title">{t('datasets.new')}</h2>
      <p className="hint">{t('datasets.newHint')}</p>
      <Field label={t('datasets.name')} required>
        <input
          type="text"
          value={draft.name}
          maxLength={100}
          pattern="[A-Za-z0-9][A-Za-z0-9._\-]*"
          title={t('datasets.nameHint')}
          onChange={(event) => setDraft({ ...draft, name: event.target.value })}
          required
          data-testid="snapshot-name"
        />
      </Field>
      <TaxonPicker label={t('datasets.taxa')} value={null} onChange={addTaxon} />
      {draft.taxa.length > 0 && (
        <ul className="practice-chosen-taxa" data-testid="snapshot-taxa">
          {draft.taxa.map((taxon) => (
            <li key={taxon.id}>
              <TaxonLabel taxon={taxon} />
              <button
                type="button"
                className="btn btn-ghost btn-small"
                onClick={() => setDraft({ ...draft, taxa: draft.taxa.filter((chosen) => chosen.id !== taxon.id) })}
                aria-label={t('datasets.removeTaxon', { taxon: taxon.id })}
              >
                <Icon name="close" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <fieldset className="practice-groups" data-testid="snapshot-units">
        <legend className="field-label">{t('datasets.units')}</legend>
        {(units.data ?? []).map((unit) => (
          <label key={unit.id} className="field-check">
            <input
              type="checkbox"
              checked={draft.units.includes(unit.id)}
              onChange={(event) => toggleUnit(unit.id, event.target.checked)}
              data-testid={`snapshot-unit-${unit.code}`}
            />
            <span>{unitName(unit, lng)}</span>
          </label>
        ))}
        <p className="hint">{t('datasets.unitsHint')}</p>
      </fieldset>
      <DateRangeFields
        from={draft.from}
        to={draft.to}
        labels={{ from: t('datasets.from'), to: t('datasets.to') }}
        onChange={(change) => setDraft({ ...draft, ...change })}
        testIdPrefix="snapshot"
      />
      <ErrorMessage error={create.error} />
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={create.isPending || draft.name.trim() === ''}
          data-testid="snapshot-create"
        >
          {create.isPending ? t('datasets.creating') : t('datasets.create')}
        </button>
      </div>
    </form>
  );
}
