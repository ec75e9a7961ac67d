import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReviewDecision } from '@contract';
import type { DecisionDraft } from '../../review/decision';
import { Field } from '../Field';
import { EnumSelect } from '../Select';
import { TaxonPicker } from '../TaxonPicker';
import { TaxonById } from '../TaxonLabel';

interface Props {
  draft: DecisionDraft;
  onDraftChange: (change: Partial<DecisionDraft>) => void;
  /** The AI's answer that "confirm" confirms (null: nothing to confirm). */
  aiTaxon: string | null;
  sending: boolean;
  onDecide: (decision: ReviewDecision) => void;
  /** Prepares a correction or a request for photos (the keys do the same). */
  onPrepare: (mode: 'correct' | 'need-more-photos') => void;
  pickerRef: Ref<HTMLInputElement>;
  notesRef: Ref<HTMLTextAreaElement>;
}

/**
 * The expert's answer: confirm the AI at once, or prepare a correction (taxon, life stage, sex) or a request for
 * photos (the note says which), then send it.
 */
export function DecisionForm({ draft, onDraftChange, aiTaxon, sending, onDecide, onPrepare, pickerRef, notesRef }: Props) {
  const { t } = useTranslation();
  const { mode, problem } = draft;
  const asking = mode === 'need-more-photos';

  return (
    <section className="card decision-form" data-testid="review-decision-form" data-mode={mode ?? 'none'}>
      <h2 className="card-title">{t('review.decision')}</h2>
      <div className="decision-buttons">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!aiTaxon || sending}
          onClick={() => onDecide('confirm')}
          data-testid="review-confirm"
        >
          {t('review.confirm')} <kbd>c</kbd>
        </button>
        <button
          type="button"
          className={`btn btn-secondary${mode === 'correct' ? ' is-selected' : ''}`}
          aria-pressed={mode === 'correct'}
          disabled={sending}
          onClick={() => onPrepare('correct')}
          data-testid="review-correct"
        >
          {t('review.correct')} <kbd>x</kbd>
        </button>
        <button
          type="button"
          className={`btn btn-secondary${asking ? ' is-selected' : ''}`}
          aria-pressed={asking}
          disabled={sending}
          onClick={() => onPrepare('need-more-photos')}
          data-testid="review-need-photos"
        >
          {t('review.needPhotos')} <kbd>p</kbd>
        </button>
      </div>
      {aiTaxon ? (
        <p className="muted small">
          {t('review.confirmHint')} <TaxonById id={aiTaxon} />
        </p>
      ) : (
        <p className="field-warning small">{t('review.nothingToConfirm')}</p>
      )}

      <form
        className="decision-fields"
        onSubmit={(event) => {
          event.preventDefault();
          if (mode === 'correct' || mode === 'need-more-photos') onDecide(mode);
        }}
      >
        {mode === 'correct' && (
          <TaxonPicker
            label={t('review.correctTaxon')}
            value={draft.taxon}
            onChange={(taxon) => onDraftChange({ taxon, problem: null })}
            group={draft.group}
            onGroupChange={(group) => onDraftChange({ group })}
            inputRef={pickerRef}
            autoFocus
            disabled={sending}
          />
        )}
        {!asking && (
          <div className="decision-row">
            <Field label={t('detail.lifeStage')}>
              <EnumSelect
                kind="lifeStage"
                value={draft.lifeStage}
                placeholder={t('common.notSpecified')}
                onChange={(lifeStage) => onDraftChange({ lifeStage })}
                disabled={sending}
                testId="review-life-stage"
              />
            </Field>
            <Field label={t('detail.sex')}>
              <EnumSelect
                kind="sex"
                value={draft.sex}
                placeholder={t('common.notSpecified')}
                onChange={(sex) => onDraftChange({ sex })}
                disabled={sending}
                testId="review-sex"
              />
            </Field>
          </div>
        )}
        <Field label={asking ? t('review.photosNeeded') : t('review.notes')} required={asking}>
          <textarea
            ref={notesRef}
            rows={asking ? 4 : 2}
            value={draft.notes}
            required={asking}
            autoFocus={asking}
            placeholder={asking ? t('review.photosNeededPlaceholder') : undefined}
            onChange={(event) => onDraftChange({ notes: event.target.value, problem: null })}
            disabled={sending}
            data-testid="review-notes"
          />
        </Field>
        {problem && (
          <p className="field-warning" role="alert" data-testid="review-problem" data-problem={problem}>
            {t(`review.problem.${problem}`)}
          </p>
        )}
        {(mode === 'correct' || asking) && (
          <button type="submit" className="btn btn-primary" disabled={sending} data-testid="review-submit">
            {sending ? t('common.saving') : asking ? t('review.sendPhotoRequest') : t('review.sendCorrection')}
          </button>
        )}
      </form>
    </section>
  );
}
