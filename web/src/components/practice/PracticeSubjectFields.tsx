import { useTranslation } from 'react-i18next';
import { VECTOR_GROUPS, type Taxon, type VectorGroup } from '@contract';
import { useEnumLabel } from '../../enums';
import { Icon } from '../Icon';
import { TaxonLabel } from '../TaxonLabel';
import { TaxonPicker } from '../TaxonPicker';

/** Groups a practice set may be drawn from: every vector group ("not a vector" is an answer, not a subject). */
const PRACTICE_GROUPS = VECTOR_GROUPS.filter((group) => group !== 'not_vector');

export interface PracticeSubject {
  groups: readonly VectorGroup[];
  taxa: readonly Taxon[];
}

/**
 * What a practice set is drawn from: any of the vector groups, and taxa (with everything below them) picked by name.
 * Shared by a trainee's own set and an instructor's practice assignment, which the API reads the same way.
 */
export function PracticeSubjectFields({ value, onChange }: { value: PracticeSubject; onChange: (value: PracticeSubject) => void }) {
  const { t } = useTranslation();
  const enumLabel = useEnumLabel();
  const { groups, taxa } = value;

  function toggleGroup(group: VectorGroup, on: boolean): void {
    onChange({ taxa, groups: on ? [...groups, group] : groups.filter((chosen) => chosen !== group) });
  }

  function addTaxon(taxon: Taxon | null): void {
    if (taxon && !taxa.some((chosen) => chosen.id === taxon.id)) onChange({ groups, taxa: [...taxa, taxon] });
  }

  return (
    <>
      <fieldset className="practice-groups">
        <legend className="field-label">{t('practice.groups')}</legend>
        {PRACTICE_GROUPS.map((group) => (
          <label key={group} className="field-check">
            <input
              type="checkbox"
              checked={groups.includes(group)}
              onChange={(event) => toggleGroup(group, event.target.checked)}
              data-testid={`practice-group-${group}`}
            />
            <span>{enumLabel('group', group)}</span>
          </label>
        ))}
        <p className="hint">{t('practice.groupsHint')}</p>
      </fieldset>
      <TaxonPicker label={t('practice.taxa')} value={null} onChange={addTaxon} />
      {taxa.length > 0 && (
        <ul className="practice-chosen-taxa" data-testid="practice-chosen-taxa">
          {taxa.map((taxon) => (
            <li key={taxon.id}>
              <TaxonLabel taxon={taxon} />
              <button
                type="button"
                className="btn btn-ghost btn-small"
                onClick={() => onChange({ groups, taxa: taxa.filter((chosen) => chosen.id !== taxon.id) })}
                aria-label={t('practice.removeTaxon', { taxon: taxon.id })}
              >
                <Icon name="close" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
