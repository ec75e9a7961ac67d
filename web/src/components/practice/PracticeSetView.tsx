import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PracticeSession } from '@contract';
import { practiceSessionQuery } from '../../api/practice-queries';
import { ErrorMessage } from '../ErrorMessage';
import { TaxonById } from '../TaxonLabel';
import { PracticeQuestionView } from './PracticeQuestionView';

/** The set's score at its end, with each question's answer beside the trainee's. */
function PracticeScore({ session }: { session: PracticeSession }) {
  const { t } = useTranslation();
  return (
    <section className="card practice-score" data-testid="practice-score">
      <h2 className="card-title">{t('practice.scoreTitle')}</h2>
      <p className="practice-score-value" data-testid="practice-score-value">
        {t('practice.score', { correct: session.correct, count: session.size })}
      </p>
      <table className="data-table">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('practice.yourAnswer')}</th>
            <th>{t('practice.expertAnswer')}</th>
          </tr>
        </thead>
        <tbody>
          {session.questions.map((question, index) => (
            <tr key={question.id} className={question.correct ? 'is-correct' : 'is-wrong'}>
              <td>{index + 1}</td>
              <td>{question.given && <TaxonById id={question.given} />}</td>
              <td>{question.answer && <TaxonById id={question.answer.taxon} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="actions">
        <Link to="/practice" className="btn btn-primary" data-testid="practice-again">
          {t('practice.again')}
        </Link>
        <Link to="/practice/progress" className="btn btn-secondary" data-testid="practice-to-progress">
          {t('practice.progressLink')}
        </Link>
      </p>
    </section>
  );
}

/**
 * A practice set worked through one question at a time: the first unanswered one, or the one just answered until the
 * trainee moves on; the score once every question is answered.
 */
export function PracticeSetView({ sessionId }: { sessionId: string }) {
  const { data: session, error, refetch } = useQuery(practiceSessionQuery(sessionId));
  const [justAnswered, setJustAnswered] = useState<string | null>(null);
  if (error) return <ErrorMessage error={error} onRetry={() => void refetch()} testId="practice-set-error" />;
  if (!session) return null;
  const questions = session.questions;
  const index = questions.findIndex((question) => (justAnswered ? question.id === justAnswered : question.answer === undefined));
  const current = questions[index];
  if (!current) return <PracticeScore session={session} />;
  return (
    <PracticeQuestionView
      key={current.id}
      sessionId={session.id}
      question={current}
      number={index + 1}
      count={questions.length}
      last={questions.every((question) => question.id === current.id || question.answer !== undefined)}
      onAnswered={() => setJustAnswered(current.id)}
      onNext={() => setJustAnswered(null)}
    />
  );
}
