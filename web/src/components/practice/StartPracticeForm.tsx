import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_PRACTICE_SIZE, PRACTICE_DIFFICULTIES, VECTOR_GROUPS, type PracticeDifficulty, type Taxon, type VectorGroup } from '@contract';
import { useStartPractice } from '../../api/practice-queries';
import { useEnumLabel } from '../../enums';
import { ErrorMessage } from '../ErrorMessage';
import { Field } from '../Field';
import { Icon } from '../Icon';
import { Select } from '../Select';
import { TaxonLabel } from '../TaxonLabel';
import { TaxonPicker } from '../TaxonPicker';

/** Groups a practice set may be drawn from: every vector group ("not a vector" is an answer, not a subject). */
const PRACTICE_GROUPS = VECTOR_GROUPS.filter((group) => group !== 'not_vector');
const DEFAULT_SIZE = 10;

/** What a new set holds: groups, taxa (and all below them), how many questions and how hard; started on submit. */
export function StartPracticeForm({ onStarted }: { onStarted: (sessionId: string) => void }) {
  const { t } = useTranslation();
  const enumLabel = useEnumLabel();
  const start = useStartPractice();
  const [groups, setGroups] = useState<readonly VectorGroup[]>([]);
  const [taxa, setTaxa] = useState<readonly Taxon[]>([]);
  const [size, setSize] = useState(DEFAULT_SIZE);
  const [difficulty, setDifficulty] = useState<PracticeDifficulty>('mixed');

  function toggleGroup(group: VectorGroup, on: boolean): void {
    setGroups((current) => (on ? [...current, group] : current.filter((chosen) => chosen !== group)));
  }

  function addTaxon(taxon: Taxon | null): void {
    if (taxon) setTaxa((current) => (current.some((chosen) => chosen.id === taxon.id) ? current : [...current, taxon]));
  }

  function onSubmit(event: FormEvent): void {
    event.preventDefault();
    start.mutate(
      { size, difficulty, groups: [...groups], taxa: taxa.map((taxon) => taxon.id) },
      { onSuccess: (created) => onStarted(created.id) },
    );
  }

  return (
    <form className="card practice-start" onSubmit={onSubmit} aria-label={t('practice.start')} data-testid="practice-start-form">
      <h2 className="card-title">{t('practice.newSet')}</h2>
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
                onClick={() => setTaxa((current) => current.filter((chosen) => chosen.id !== taxon.id))}
                aria-label={t('practice.removeTaxon', { taxon: taxon.id })}
              >
                <Icon name="close" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="form-grid">
        <Field label={t('practice.size')} required>
          <input
            type="number"
            min={1}
            max={MAX_PRACTICE_SIZE}
            value={size}
            required
            onChange={(event) => setSize(Number(event.target.value))}
            data-testid="practice-size"
          />
        </Field>
        <Field label={t('practice.difficulty')}>
          <Select
            options={PRACTICE_DIFFICULTIES.map((value) => ({ value, label: t(`practice.difficulties.${value}`) }))}
            value={difficulty}
            onChange={setDifficulty}
            testId="practice-difficulty"
          />
        </Field>
      </div>
      <p className="hint">{t(`practice.difficultyHints.${difficulty}`)}</p>
      <ErrorMessage error={start.error} testId="practice-start-error" />
      <button type="submit" className="btn btn-primary" disabled={start.isPending} data-testid="practice-start">
        {t('practice.start')}
      </button>
    </form>
  );
}
