import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BankSpecimen, TeachingMark } from '@contract';
import { useMarkBankSpecimen } from '../../api/bank-queries';
import { ErrorMessage } from '../ErrorMessage';

/** An expert's or administrator's buttons on a bank specimen: mark it as an example, hide it, or clear its mark. */
export function TeachingMarkControls({ specimen }: { specimen: BankSpecimen }) {
  const { t } = useTranslation();
  const [note, setNote] = useState(specimen.mark?.note ?? '');
  const { mutate, isPending, error } = useMarkBankSpecimen();
  const current = specimen.mark?.mark;
  const mark = (value: TeachingMark) => mutate({ specimenId: specimen.id, body: { mark: value, note: note.trim() || null } });

  return (
    <div className="bank-mark-controls" data-testid="bank-mark-controls">
      <input
        type="text"
        className="bank-mark-note"
        value={note}
        maxLength={1000}
        placeholder={t('bank.notePlaceholder')}
        aria-label={t('bank.note')}
        onChange={(event) => setNote(event.target.value)}
        data-testid="bank-mark-note"
      />
      <button
        type="button"
        className={`btn btn-small ${current === 'example' ? 'btn-primary' : 'btn-secondary'}`}
        disabled={isPending}
        onClick={() => mark('example')}
        data-testid="bank-mark-example"
      >
        {t('bank.markExample')}
      </button>
      <button
        type="button"
        className={`btn btn-small ${current === 'hidden' ? 'btn-primary' : 'btn-secondary'}`}
        disabled={isPending}
        onClick={() => mark('hidden')}
        data-testid="bank-mark-hidden"
      >
        {t('bank.hide')}
      </button>
      {current && (
        <button
          type="button"
          className="btn btn-small btn-secondary"
          disabled={isPending}
          onClick={() => mutate({ specimenId: specimen.id, body: null })}
          data-testid="bank-mark-clear"
        >
          {t('bank.clearMark')}
        </button>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}
