import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { canAnswerQuiz, canRunQuiz, type QuizOption } from '@contract';
import { useLanguage, type Language } from '../../i18n';
import { barsOf, mayAnswer, secondsLeft, type QuizState } from '../../rtc/quiz-state';
import type { RoomClient } from '../../rtc/room-client';
import { allows, type RoomState } from '../../rtc/room-state';
import { RoomRequestError } from '../../rtc/signalling-client';
import { useErrorText } from '../ErrorMessage';
import { ProgressBar } from '../ProgressBar';
import { TaxonName } from '../TaxonName';
import { QuizLauncher } from './QuizLauncher';
import { useNow } from './room-hooks';

/**
 * A class's quiz (ADR 0029). The presenter launches a question, watches the answers come in and reveals the answer;
 * trainees see the photo and the options, answer once before the time is up, and keep their choice after a reload;
 * on the reveal everyone sees how the class answered and the right answer with the expert's notes.
 */
export function QuizPanel({ client, state }: { client: RoomClient; state: RoomState }) {
  const { t } = useTranslation();
  const [refusal, setRefusal] = useState<unknown>(null);
  const quiz = state.quiz;
  const now = useNow(quiz !== null && quiz.result === null);
  const presenter = allows(state, canRunQuiz);
  const trainee = allows(state, canAnswerQuiz);

  const act = (action: () => Promise<unknown>) => {
    setRefusal(null);
    return action().catch((error: unknown) => setRefusal(error));
  };

  return (
    <div className="card room-card quiz-panel" data-testid="quiz-panel">
      <h2 className="card-title">{t('room.quiz.title')}</h2>
      <QuizRefusal error={refusal} />
      {quiz ? (
        <QuizQuestionView
          quiz={quiz}
          now={now}
          trainee={trainee}
          onAnswer={(taxonId) => void act(() => client.answerQuiz(quiz.question.quizId, taxonId))}
        />
      ) : (
        !presenter && <p className="muted">{t('room.quiz.none')}</p>
      )}
      {presenter && quiz && !quiz.result && (
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => void act(() => client.revealQuiz(quiz.question.quizId))}
          data-testid="quiz-reveal"
        >
          {t('room.quiz.reveal')}
        </button>
      )}
      {presenter && (!quiz || quiz.result) && <QuizLauncher onLaunch={(request) => act(() => client.launchQuiz(request))} />}
    </div>
  );
}

function QuizQuestionView({
  quiz,
  now,
  trainee,
  onAnswer,
}: {
  quiz: QuizState;
  now: number;
  trainee: boolean;
  onAnswer: (taxonId: string) => void;
}) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { question, result, tally, yourAnswer } = quiz;
  const left = secondsLeft(quiz, now);
  const open = mayAnswer(quiz, now);
  return (
    <div className="quiz" data-testid="quiz" data-quiz-id={question.quizId} data-state={result ? 'revealed' : left > 0 ? 'open' : 'closed'}>
      <img className="quiz-photo" src={question.imageUrl} alt={t('room.quiz.photoAlt')} data-testid="quiz-photo" />
      {!result && (
        <p className="quiz-countdown" data-testid="quiz-countdown" data-seconds={left}>
          {left > 0 ? t('room.quiz.timeLeft', { seconds: left }) : t('room.quiz.timeUp')}
        </p>
      )}
      {trainee && !result && (
        <>
          <p>{t('room.quiz.choose')}</p>
          <ul className="quiz-options">
            {question.options.map((option) => (
              <li key={option.taxonId}>
                <button
                  type="button"
                  className={`btn quiz-option${yourAnswer === option.taxonId ? ' is-chosen' : ''}`}
                  aria-pressed={yourAnswer === option.taxonId}
                  disabled={!open}
                  onClick={() => onAnswer(option.taxonId)}
                  data-testid="quiz-option"
                  data-taxon={option.taxonId}
                >
                  <OptionName option={option} lng={lng} />
                </button>
              </li>
            ))}
          </ul>
          {yourAnswer !== null ? (
            <p className="muted" data-testid="quiz-answered">
              {t('room.quiz.answered')}
            </p>
          ) : (
            left === 0 && <p className="muted">{t('room.quiz.notAnswered')}</p>
          )}
        </>
      )}
      {tally && !result && (
        <p className="muted" data-testid="quiz-tally" data-answered={tally.answered} data-present={tally.present}>
          {t('room.quiz.tally', { answered: tally.answered, present: tally.present })}
        </p>
      )}
      {(tally || result) && <QuizBars quiz={quiz} lng={lng} />}
      {result && (
        <div className="quiz-result" data-testid="quiz-result" data-taxon={result.answer.taxonId}>
          <h3>{t('room.quiz.revealed')}</h3>
          <p className="quiz-right-answer" data-testid="quiz-right-answer">
            <OptionName option={result.answer} lng={lng} />
            {result.answer.lifeStage && (
              <span className="muted"> · {t('room.quiz.lifeStage', { stage: t(`enums.lifeStage.${result.answer.lifeStage}`) })}</span>
            )}
          </p>
          {result.answer.notes && (
            <p className="pre-wrap" data-testid="quiz-notes">
              <strong>{t('room.quiz.notes')}:</strong> {result.answer.notes}
            </p>
          )}
          <p data-testid="quiz-correct" data-correct={result.correct} data-answered={result.answered}>
            {t('room.quiz.correct', { correct: result.correct, answered: result.answered })}
          </p>
          {trainee && yourAnswer !== null && (
            <p data-testid="quiz-verdict" data-right={yourAnswer === result.answer.taxonId}>
              {yourAnswer === result.answer.taxonId ? t('room.quiz.youWereRight') : t('room.quiz.youWereWrong')}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

/** The answers per option as bars: the presenter's live tally, everyone's result once revealed. */
function QuizBars({ quiz, lng }: { quiz: QuizState; lng: Language }) {
  const { t } = useTranslation();
  const right = quiz.result?.answer.taxonId;
  return (
    <ul className="quiz-bars" data-testid="quiz-bars">
      {barsOf(quiz).map((bar) => (
        <li
          key={bar.taxonId}
          className={`quiz-bar${bar.taxonId === right ? ' is-right' : ''}${bar.taxonId === quiz.yourAnswer ? ' is-chosen' : ''}`}
          data-testid="quiz-bar"
          data-taxon={bar.taxonId}
          data-count={bar.count}
        >
          <span className="quiz-bar-label">
            <OptionName option={bar} lng={lng} /> <span className="muted small">{t('room.quiz.votes', { count: bar.count })}</span>
            {bar.taxonId === right && <span className="badge">{t('room.quiz.rightChoice')}</span>}
            {bar.taxonId === quiz.yourAnswer && <span className="badge">{t('room.quiz.yourChoice')}</span>}
          </span>
          <ProgressBar value={bar.share} label={lng === 'zh' ? bar.nameZh : bar.nameEn} />
        </li>
      ))}
    </ul>
  );
}

function OptionName({ option, lng }: { option: Pick<QuizOption, 'taxonId' | 'nameZh' | 'nameEn'>; lng: Language }) {
  return (
    <span className="quiz-option-name">
      <strong>{lng === 'zh' ? option.nameZh : option.nameEn}</strong> <TaxonName taxon={option.taxonId} />
    </span>
  );
}

/** A refused quiz request, in the page's language where the code is one the quiz knows. */
function QuizRefusal({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  if (error === null) return null;
  const code = error instanceof RoomRequestError ? error.code : null;
  const key = `room.quiz.refused.${code}`;
  return (
    <p className="alert alert-error" role="alert" data-testid="quiz-error" data-error-code={code}>
      {code && i18n.exists(key) ? t(key) : errorText(error)}
    </p>
  );
}
