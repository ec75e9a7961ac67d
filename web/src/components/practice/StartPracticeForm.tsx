import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_PRACTICE_SIZE, PRACTICE_DIFFICULTIES, type PracticeDifficulty } from '@contract';
import { useStartPractice } from '../../api/practice-queries';
import { ErrorMessage } from '../ErrorMessage';
import { Field } from '../Field';
import { Select } from '../Select';
import { PracticeSubjectFields, type PracticeSubject } from './PracticeSubjectFields';

const DEFAULT_SIZE = 10;

/** What a new set holds: groups, taxa (and all below them), how many questions and how hard; started on submit. */
export function StartPracticeForm({ onStarted }: { onStarted: (sessionId: string) => void }) {
  const { t } = useTranslation();
  const start = useStartPractice();
  const [subject, setSubject] = useState<PracticeSubject>({ groups: [], taxa: [] });
  const [size, setSize] = useState(DEFAULT_SIZE);
  const [difficulty, setDifficulty] = useState<PracticeDifficulty>('mixed');

  function onSubmit(event: FormEvent): void {
    event.preventDefault();
    start.mutate(
      { size, difficulty, groups: [...subject.groups], taxa: subject.taxa.map((taxon) => taxon.id) },
      { onSuccess: (created) => onStarted(created.id) },
    );
  }

  return (
    <form className="card practice-start" onSubmit={onSubmit} aria-label={t('practice.start')} data-testid="practice-start-form">
      <h2 className="card-title">{t('practice.newSet')}</h2>
      <PracticeSubjectFields value={subject} onChange={setSubject} />
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
