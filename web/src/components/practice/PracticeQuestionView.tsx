import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PracticeQuestion, Taxon } from '@contract';
import { useAnswerQuestion } from '../../api/practice-queries';
import { useEnumLabel } from '../../enums';
import { ErrorMessage } from '../ErrorMessage';
import { Icon } from '../Icon';
import { TaxonById } from '../TaxonLabel';
import { TaxonPicker } from '../TaxonPicker';

interface Props {
  sessionId: string;
  question: PracticeQuestion;
  /** 1-based, for "question 3 of 10". */
  number: number;
  count: number;
  onAnswered: () => void;
  /** Shown once answered: on to the next question, or to the score after the last. */
  onNext: () => void;
  last: boolean;
}

/** What the trainee gave against the expert's answer, with the expert's notes. */
function Outcome({ question }: { question: Required<PracticeQuestion> }) {
  const { t } = useTranslation();
  const enumLabel = useEnumLabel();
  const { answer } = question;
  return (
    <div className={`practice-outcome ${question.correct ? 'is-correct' : 'is-wrong'}`} data-testid="practice-outcome">
      <p className="practice-verdict" data-testid="practice-verdict" data-correct={question.correct ? 'true' : 'false'}>
        <Icon name={question.correct ? 'check' : 'close'} />
        {question.correct ? t('practice.correct') : t('practice.wrong')}
      </p>
      <dl className="practice-answer">
        <dt>{t('practice.yourAnswer')}</dt>
        <dd data-testid="practice-given">
          <TaxonById id={question.given} />
        </dd>
        <dt>{t('practice.expertAnswer')}</dt>
        <dd data-testid="practice-expert-answer">
          <TaxonById id={answer.taxon} />
          {answer.lifeStage && <span className="muted"> · {enumLabel('lifeStage', answer.lifeStage)}</span>}
        </dd>
        <dt>{t('practice.expertNotes')}</dt>
        <dd data-testid="practice-expert-notes">{answer.notes ?? <span className="muted">{t('practice.noNotes')}</span>}</dd>
      </dl>
    </div>
  );
}

const isAnswered = (question: PracticeQuestion): question is Required<PracticeQuestion> => question.answer !== undefined;

/** One photo to name with the taxon picker; once answered, the expert's answer and notes, and the way on. */
export function PracticeQuestionView({ sessionId, question, number, count, onAnswered, onNext, last }: Props) {
  const { t } = useTranslation();
  const answer = useAnswerQuestion(sessionId);
  const [taxon, setTaxon] = useState<Taxon | null>(null);

  function onSubmit(event: FormEvent): void {
    event.preventDefault();
    if (!taxon) return;
    answer.mutate({ questionId: question.id, taxon: taxon.id }, { onSuccess: onAnswered });
  }

  return (
    <article className="card practice-question" data-testid="practice-question" data-question-id={question.id}>
      <h2 className="card-title">{t('practice.questionOf', { number, count })}</h2>
      <img className="practice-photo" src={question.imageUrl} alt={t('practice.photoAlt')} data-testid="practice-photo" />
      {isAnswered(question) ? (
        <>
          <Outcome question={question} />
          <button type="button" className="btn btn-primary" onClick={onNext} autoFocus data-testid="practice-next">
            {last ? t('practice.seeScore') : t('practice.next')}
            <Icon name="arrowRight" />
          </button>
        </>
      ) : (
        <form onSubmit={onSubmit} className="practice-answer-form" data-testid="practice-answer-form">
          <TaxonPicker label={t('practice.whatIsIt')} value={taxon} onChange={setTaxon} autoFocus disabled={answer.isPending} />
          <ErrorMessage error={answer.error} testId="practice-answer-error" />
          <button type="submit" className="btn btn-primary" disabled={!taxon || answer.isPending} data-testid="practice-submit">
            {t('practice.answer')}
          </button>
        </form>
      )}
    </article>
  );
}
